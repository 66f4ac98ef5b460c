"""Coach: pick any athlete and see exactly what that member sees."""

from __future__ import annotations

import streamlit as st

from dashboard import data, ui
from dashboard.views import assessments, health, running, strength_program

VIEWS = {
    "Running": running.render,
    "Strength program": strength_program.render,
    "Health check-ins": health.render,
    "Assessments": assessments.render,
}

coach = ui.coach_viewer()
ui.page_start(coach, "Athlete")
search = st.text_input("Find an athlete", key="athlete_search", placeholder="name or athlete id")
roster = data.athletes(coach, search)
if roster.is_empty():
    st.info("No athlete matches. Clear the search to see everyone.")
    st.stop()
ids = roster["athlete_id"].to_list()
names = dict(zip(ids, roster["display_name"].to_list(), strict=True))
# Deep links (?athlete=ID) are a coach convenience; members' pages never read the URL.
linked = st.query_params.get("athlete")
chosen = st.selectbox(
    "Athlete",
    ids,
    index=ids.index(linked) if linked in ids else 0,
    format_func=lambda a: f"{names[a]} ({a})",
    key="athlete_choice",
)
st.query_params["athlete"] = chosen
subject = coach.viewing(chosen)
if assessments.baseline_missing(subject):
    st.warning(assessments.BASELINE_MISSING)
view = st.segmented_control("Show", list(VIEWS), default="Running", key="athlete_view") or "Running"
VIEWS[view](subject, key=f"coach_{view}")
