"""The strength-program view of one athlete: current phase, what is due this week, the adherence calendar."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, data, ui
from dashboard.accounts.viewer import Viewer
from dashboard.formatting import CATEGORIES, WEEK_IN_PROGRESS, adherence_bands_text, percent
from dashboard.views import assessments


def render(viewer: Viewer, key: str = "me") -> None:
    """The strength-program view of the athlete in view (the member's own, or the coach's pick)."""
    settings = data.metric_settings(viewer)
    summary = data.adherence_summary(viewer)
    if summary.is_empty():
        st.info(
            "Not enrolled in a strength program. Strength sessions you log still show in the "
            "calendar below; ask the coach to enrol you."
        )
    else:
        row = summary.row(0, named=True)
        left, right = st.columns(2)
        left.metric("Current phase", str(row["current_phase"]).capitalize())
        program = row["program_name"] or row["program_id"]
        left.caption(f"{row['enrolled_weeks']} weeks enrolled in {program}")
        right.metric(
            "Sessions done of those prescribed, to date",
            percent(row["cumulative_session_adherence"]),
            help=adherence_bands_text(settings),
        )
        right.caption(
            f"Band: {row['adherence_band']}. Last 4 complete weeks: {percent(row['last4_session_adherence'])}. "
            f"{adherence_bands_text(settings)} {WEEK_IN_PROGRESS}"
        )

    st.subheader("Due this week")
    due = data.program_due(viewer)
    if due.is_empty():
        st.info("Nothing prescribed this week.")
    else:
        week = due.row(0, named=True)
        st.write(
            f"Week of {week['week_start']:%d %b} ({week['phase_name']} phase): "
            f"{week['sessions_counted']} of {week['sessions_prescribed']} sessions done so far."
        )
        ui.chart(charts.program_due(due), key=f"{key}_due")
        ui.table(
            due.select(
                pl.col("category").replace_strict(CATEGORIES, default=pl.col("category")),
                "sets_prescribed",
                "sets_done",
            ),
            column_config={
                "category": "Exercise group",
                "sets_prescribed": "Sets prescribed",
                "sets_done": "Sets done",
            },
        )
        if viewer.is_coach:
            assessments.program_context(viewer, due["category"].to_list())
    ui.download(due, "due_this_week.csv", key=f"{key}_due_csv")

    st.subheader("Calendar")
    st.caption(
        "A session counts when it has at least one set from every exercise group the phase requires."
    )
    start, end = ui.date_range(viewer, key=f"{key}_program_dates")
    ui.chart(
        charts.strength_calendar(data.strength_days(viewer, start, end)), key=f"{key}_calendar"
    )
    weekly = data.adherence_weekly(viewer, start, end)
    ui.chart(charts.weekly_adherence(weekly), key=f"{key}_adherence")
    ui.download(weekly, "strength_adherence_weekly.csv", key=f"{key}_adherence_csv")
