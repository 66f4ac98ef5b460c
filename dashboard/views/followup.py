"""The coach's follow-up: who has answered the week's check-in, the problems waiting for a
classification, and the classification form (written as an entry into club/records/)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import polars as pl
import streamlit as st

from dashboard import data, ui
from dashboard.accounts.viewer import Viewer
from dashboard.forms.checkin import THRESHOLDS
from dashboard.forms.entries import CLASSIFICATION, write_entry
from dashboard.views.problems import PROBLEM_TYPES, SIDES
from pipelines.settings import checkin_week

RATE_WEEKS = 8


def response_table(roster: pl.DataFrame, weeks: pl.DataFrame, now: datetime) -> pl.DataFrame:
    """Per member: the week due in their time zone, whether it is answered, and the share of the
    RATE_WEEKS weeks before it they answered."""
    due = [
        checkin_week(now.astimezone(ZoneInfo(zone or "UTC")).date(), THRESHOLDS)
        for zone in roster["time_zone"].to_list()
    ]
    members = roster.select("athlete_id", "display_name").with_columns(
        due_week=pl.Series(due, dtype=pl.Date)
    )
    joined = members.join(
        weeks.select("athlete_id", "week_start", "late"), on="athlete_id", how="left"
    )
    in_rate_window = (pl.col("week_start") < pl.col("due_week")) & (
        pl.col("week_start") >= pl.col("due_week") - timedelta(weeks=RATE_WEEKS)
    )
    return (
        joined.group_by("athlete_id", "display_name", "due_week")
        .agg(
            answered=(pl.col("week_start") == pl.col("due_week")).any(),
            late=((pl.col("week_start") == pl.col("due_week")) & pl.col("late")).any(),
            weeks_answered=in_rate_window.sum(),
            last_answered=pl.col("week_start").max(),
        )
        .with_columns(response_rate=pl.col("weeks_answered") / RATE_WEEKS)
        .sort("answered", "response_rate", "display_name")
    )


def checkins(viewer: Viewer) -> None:
    st.subheader("This week's check-ins")
    roster = data.athletes(viewer)
    now = datetime.now(UTC)
    since = now.date() - timedelta(weeks=RATE_WEEKS + 2)
    table = response_table(roster, data.club_checkin_weeks(viewer, since), now)
    answered = int(table["answered"].sum())
    due = table["due_week"].max()
    st.metric(
        f"Answered the check-in for the week of {due:%d %b %Y}",
        f"{answered} of {table.height}",
        help="Each member's due week is taken in their own time zone.",
    )
    ui.table(
        table.filter(~pl.col("answered")).select(
            "display_name", "last_answered", "weeks_answered", "response_rate"
        ),
        column_config={
            "display_name": "Not answered yet",
            "last_answered": st.column_config.DateColumn("Last answered week"),
            "weeks_answered": f"Weeks answered (of the {RATE_WEEKS} before)",
            "response_rate": st.column_config.ProgressColumn(
                f"Response rate, last {RATE_WEEKS} weeks",
                min_value=0,
                max_value=1,
                format="percent",
            ),
        },
    )
    with st.expander(f"Response rate of every member (the {RATE_WEEKS} weeks before this one)"):
        ui.table(
            table.select("display_name", "answered", "late", "weeks_answered", "response_rate"),
            column_config={
                "display_name": "Member",
                "answered": "Answered this week",
                "late": "Late",
                "weeks_answered": "Weeks answered",
                "response_rate": st.column_config.ProgressColumn(
                    "Response rate", min_value=0, max_value=1, format="percent"
                ),
            },
        )


def _problem_label(row: dict) -> str:
    return (
        f"{row['display_name']}: {row['area_label']} ({row['source']}, from {row['first_date']}) "
        f"{'[classified]' if row['classified_at'] else ''}"
    ).strip()


def classification_form(viewer: Viewer, problem: dict) -> None:
    """Classify one problem; a new classification supersedes the earlier one (both are kept)."""
    with st.form(f"classify_{problem['athlete_id']}_{problem['problem_id']}", clear_on_submit=True):
        kind = st.radio("Type", list(PROBLEM_TYPES), format_func=PROBLEM_TYPES.get, horizontal=True)
        diagnosis = st.text_input("Diagnosis (in words)", max_chars=200)
        days = st.number_input("Time-loss days (no running at all)", 0, 3650, 0, step=1)
        professional = st.checkbox("Seen by a health professional")
        recurrence = st.radio(
            "New or recurrence",
            ["new", "recurrence"],
            horizontal=True,
            format_func={"new": "New problem", "recurrence": "Recurrence of an earlier one"}.get,
        )
        resolved = st.checkbox("Resolved")
        resolved_on = st.date_input("Resolved on", value=date.today(), max_value=date.today())
        sent = st.form_submit_button("Save classification", type="primary")
    if sent:
        write_entry(
            viewer,
            CLASSIFICATION,
            {
                "problem_id": problem["problem_id"],
                "problem_type": kind,
                "diagnosis": diagnosis.strip(),
                "time_loss_days": int(days),
                "consulted_professional": professional,
                "recurrence": recurrence,
                "resolved_date": resolved_on.isoformat() if resolved else None,
            },
            athlete_id=problem["athlete_id"],
        )
        st.success(
            f"Saved for {problem['display_name']}: the problem leaves the queue after the next data "
            "run (usually within a few minutes); the member sees your classification then."
        )


def queue(viewer: Viewer) -> None:
    st.subheader("Problems to follow up")
    st.caption(
        "Every problem a member (or you) reported and every OSTRC problem still answered in the "
        "last weeks, until you classify it. Classifications are kept: a new one supersedes the last."
    )
    waiting = data.followup_queue(viewer)
    ui.table_or_notice(
        waiting.with_columns(pl.col("side").replace_strict(SIDES, default=None)).select(
            "display_name",
            "source",
            "area_label",
            "side",
            "first_date",
            "last_date",
            "description",
            "can_run",
            "max_severity",
        ),
        column_config={
            "display_name": "Member",
            "source": "From",
            "area_label": "Where",
            "side": "Side",
            "first_date": st.column_config.DateColumn("Started"),
            "last_date": st.column_config.DateColumn("Last week with it"),
            "description": "What was reported",
            "can_run": "Can run",
            "max_severity": "Highest OSTRC severity",
        },
        when_empty="Nothing waiting: every reported and OSTRC problem is classified.",
        good_news=True,
    )
    choices = waiting.vstack(data.classified_problems(viewer)).to_dicts()
    if not choices:
        return
    picked = st.selectbox(
        "Classify a problem",
        range(len(choices)),
        format_func=lambda i: _problem_label(choices[i]),
        key="followup_problem",
    )
    classification_form(viewer, choices[picked])


def classified(viewer: Viewer) -> None:
    st.subheader("Classified problems")
    done = data.classified_problems(viewer)
    ui.table_or_notice(
        done.with_columns(
            pl.col("problem_type").replace_strict(PROBLEM_TYPES, default=None)
        ).select(
            "display_name",
            "area_label",
            "first_date",
            "problem_type",
            "diagnosis",
            "time_loss_days",
            "consulted_professional",
            "recurrence",
            "resolved_date",
            "classified_at",
            "classified_by",
        ),
        column_config={
            "display_name": "Member",
            "area_label": "Where",
            "first_date": st.column_config.DateColumn("Started"),
            "problem_type": "Type",
            "diagnosis": "Diagnosis",
            "time_loss_days": "Time-loss days",
            "consulted_professional": "Saw a professional",
            "recurrence": "New or recurrence",
            "resolved_date": st.column_config.DateColumn("Resolved"),
            "classified_at": st.column_config.DatetimeColumn(
                "Classified", format="D MMM YYYY HH:mm"
            ),
            "classified_by": "By",
        },
        when_empty="No problem classified yet.",
    )
