"""The health view of one athlete: weekly OSTRC check-ins and injuries in the coach's log."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, data, ui
from dashboard.accounts.viewer import Viewer

Q_LABELS = {
    "q1": "Taking part",
    "q2": "Training reduced",
    "q3": "Performance affected",
    "q4": "Symptoms",
}


def render(viewer: Viewer, key: str = "me") -> None:
    """Health view of the athlete in view (the member's own, or the coach's pick)."""
    start, end = ui.date_range(viewer, key=f"{key}_health_dates")

    st.subheader("Weekly check-ins (OSTRC)")
    st.caption(
        "Four questions each week about any health problem; severity adds the answers up (0-100). "
        "Substantial = training or performance reduced moderately or more, or could not take part."
    )
    answers = data.athlete_ostrc(viewer, start, end)
    ui.chart(charts.ostrc_severity(answers), key=f"{key}_ostrc")
    if not answers.is_empty():
        ui.table(
            answers.select("week_start", *Q_LABELS, "severity", "problem", "substantial_problem"),
            column_config={
                "week_start": st.column_config.DateColumn("Week of"),
                **{
                    q: st.column_config.NumberColumn(label + " (answer 0-4)")
                    for q, label in Q_LABELS.items()
                },
                "severity": "Severity (0-100)",
                "problem": "Problem",
                "substantial_problem": "Substantial",
            },
        )
    ui.download(answers, "ostrc_checkins.csv", key=f"{key}_ostrc_csv")

    st.subheader("Injuries")
    injuries = data.athlete_injuries(viewer, start, end)
    ui.table_or_notice(
        injuries.select(
            "onset_date",
            "body_region",
            "side",
            "description",
            "modified_days",
            "stopped_days",
            "consulted_professional",
            "running_related_injury",
            "time_loss",
        ),
        column_config={
            "onset_date": st.column_config.DateColumn("Started"),
            "body_region": "Where",
            "side": "Side",
            "description": "Description",
            "modified_days": "Days of reduced running",
            "stopped_days": "Days without running",
            "consulted_professional": "Saw a professional",
            "running_related_injury": "Running injury (study definition)",
            "time_loss": "Time-loss",
        },
        when_empty="No injuries logged in this period.",
        good_news=True,
    )
    ui.download(injuries, "injuries.csv", key=f"{key}_injuries_csv")
