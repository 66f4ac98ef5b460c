"""Coach: how each figure is made (definition, source, settings, known limits), in STROBE-SIIS order."""

from __future__ import annotations

import streamlit as st

from dashboard import data, ui
from dashboard.formatting import method_markdown
from pipelines.methods import SECTIONS, by_section

viewer = ui.coach_viewer()
ui.page_start(
    viewer,
    "Methods",
    "How each number in StrongStride is made, grouped as a sports-injury study reports it "
    "(STROBE-SIIS, Bahr 2020): who counts as a case, what they were exposed to, how they were "
    "followed up, and how the figures were analysed. Settings show the values the published "
    "numbers were computed with.",
)
thresholds = data.published_thresholds(viewer)
for section, methods in by_section().items():
    st.header(SECTIONS[section])
    for declared in methods:
        st.subheader(declared.figure)
        st.markdown(method_markdown(declared, thresholds))
