"""Coach: how well the strength program is followed, by athlete, phase and week, and who is slipping."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, data, ui
from dashboard.formatting import WEEK_IN_PROGRESS, adherence_bands_text

viewer = ui.coach_viewer()
ui.page_start(
    viewer,
    "Strength adherence",
    "A strength session counts when it has at least one set from every exercise group the "
    "current phase requires.",
)
settings = data.metric_settings(viewer)
st.caption(f"{adherence_bands_text(settings)} {WEEK_IN_PROGRESS}")

athletes = data.club_adherence(viewer)
ui.chart(charts.adherence_distribution(athletes, settings), key="adherence_distribution")

st.subheader("Who is falling behind")
behind = athletes.filter(pl.col("falling_behind"))
if behind.is_empty():
    st.success("Nobody is falling behind.")
else:
    st.caption(
        "Athletes whose last 4 complete weeks of sessions dropped below their program's pace."
    )
ui.table(
    athletes.select(
        "display_name",
        "adherence_band",
        pl.col("cumulative_session_adherence") * 100,
        pl.col("last4_session_adherence") * 100,
        pl.col("dose_adherence") * 100,
        "current_phase",
        "enrolled_weeks",
        "falling_behind",
        "baseline_missing",
    ),
    column_config={
        "display_name": "Athlete",
        "adherence_band": "Band",
        "cumulative_session_adherence": st.column_config.NumberColumn(
            "Sessions to date", format="%.0f%%"
        ),
        "last4_session_adherence": st.column_config.NumberColumn(
            "Last 4 complete weeks", format="%.0f%%"
        ),
        "dose_adherence": st.column_config.NumberColumn("Sets done of prescribed", format="%.0f%%"),
        "current_phase": "Phase",
        "enrolled_weeks": "Weeks enrolled",
        "falling_behind": "Falling behind",
        "baseline_missing": st.column_config.CheckboxColumn(
            "Baseline missing", help="No baseline assessment: assess before prescribing."
        ),
    },
)
missing = athletes.filter(pl.col("baseline_missing"))
if not missing.is_empty():
    st.warning(
        f"Baseline missing for {', '.join(missing['display_name'])}: enrolled without a baseline "
        "assessment, so the program's effect on their signs cannot be followed. Record one on the "
        "Assessments page."
    )
ui.download(athletes, "adherence_by_athlete.csv", key="adherence_athletes_csv")

st.subheader("By phase and week")
ui.chart(charts.adherence_by_phase(data.adherence_by_phase(viewer)), key="adherence_phase")
start, end = ui.date_range(viewer, key="adherence_dates")
weekly = data.club_adherence_weekly(viewer, start, end)
ui.chart(charts.adherence_heatmap(weekly), key="adherence_heatmap")
ui.download(weekly, "adherence_weekly.csv", key="adherence_weekly_csv")
