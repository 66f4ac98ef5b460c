"""The health view of one athlete: weekly OSTRC check-ins and injuries in the coach's log."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, data, ui
from dashboard.accounts.viewer import Viewer
from dashboard.views import problems

Q_LABELS = {
    "q1": "Taking part",
    "q2": "Training reduced",
    "q3": "Performance affected",
    "q4": "Symptoms",
}


def with_option_texts(answers: pl.DataFrame, questions: pl.DataFrame) -> pl.DataFrame:
    """q1-q4 as the answer's words in the version it was given in (its code where none matches)."""
    texts = questions.select(
        "instrument_version",
        "question",
        "code",
        pl.col("option_text").str.replace(r"\[area\] ?", ""),
    )
    for q in Q_LABELS:
        option = texts.filter(pl.col("question") == q).select(
            "instrument_version", pl.col("code").alias(q), pl.col("option_text").alias(f"{q}_text")
        )
        answers = answers.join(
            option, on=["instrument_version", q], how="left", coalesce=True
        ).with_columns(pl.coalesce(f"{q}_text", pl.col(q).cast(pl.String)).alias(q))
    return answers


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
            with_option_texts(answers, data.ostrc_questions(viewer, current_only=False)).select(
                "week_start",
                "instrument_version",
                "worst_area",
                *Q_LABELS,
                "severity",
                "problem",
                "substantial_problem",
            ),
            column_config={
                "week_start": st.column_config.DateColumn("Week of"),
                "instrument_version": "OSTRC version",
                "worst_area": "Worst area",
                **Q_LABELS,
                "severity": "Severity (0-100)",
                "problem": "Problem",
                "substantial_problem": "Substantial",
            },
        )
    ui.download(answers, "ostrc_checkins.csv", key=f"{key}_ostrc_csv")

    problems.render(viewer, key=key)

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
