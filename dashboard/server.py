"""The dashboard as a Starlette application (st.App): the Streamlit app (app.py) and, beside it, the
log-in and log-out HTTP endpoints that set and clear the session cookie (accounts/web.py).

    streamlit run dashboard/server.py     (what `strongstride serve` runs)
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.accounts import web

app = st.App(Path(__file__).with_name("app.py"), routes=web.routes())
