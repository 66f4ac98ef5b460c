"""Coach: strength progression per member and week beside adherence, and who may be ready to progress."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, data, ui
from dashboard.views.strength_progress import measures_text, states_text

viewer = ui.coach_viewer()
ui.page_start(
    viewer,
    "Strength progression",
    "Whether each member's exercises are getting stronger, week by week, beside how well they "
    "follow the program.",
)
settings = data.metric_settings(viewer)
st.caption(measures_text(settings))
st.caption(
    states_text(settings) + " A week's colour is the most common state among the exercises "
    "trained that week (a tie shows the less favourable); an empty cell is a week without a "
    "strength session."
)
start, end = ui.date_range(viewer, key="strength_dates")
weekly = data.club_strength_weekly(viewer, start, end)
ui.chart(charts.progression_heatmap(weekly), key="strength_heatmap")
ui.download(weekly, "strength_progression_weekly.csv", key="strength_weekly_csv")

st.subheader("Ready to progress: suggestions")
st.caption(
    "Exercises whose latest session met the double-progression hint. A suggestion only: the coach "
    "decides, with the member's assessments and how they feel."
)
ready = data.club_ready_to_progress(viewer)
ui.table_or_notice(
    ready.select(
        "display_name",
        "exercise_name",
        "local_date",
        "phase_name",
        pl.format("{}-{}", "rep_range_low", "rep_range_high").alias("rep_range"),
        "max_rpe",
        pl.col("progress_measure").round(1),
        "progress_measure_name",
    ),
    column_config={
        "display_name": "Member",
        "exercise_name": "Exercise",
        "local_date": st.column_config.DateColumn("Last session"),
        "phase_name": "Phase",
        "rep_range": "Prescribed reps",
        "max_rpe": "Highest RPE",
        "progress_measure": "Latest",
        "progress_measure_name": "Measured as",
    },
    when_empty="No member's latest session met the hint: nothing to suggest right now.",
)
