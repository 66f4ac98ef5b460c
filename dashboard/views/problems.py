"""Reported problems: the report form (a member for themselves, the coach for any athlete) and the
athlete's problems with the coach's classification, read-only for the member."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from dashboard import data, ui
from dashboard.accounts.viewer import Viewer
from dashboard.forms.entries import REPORT, own_entries, write_entry

SIDES = {"left": "Left", "right": "Right", "both": "Both sides", "na": "Not applicable"}
ONSETS = {"gradual": "Gradually (overuse)", "sudden": "Suddenly (a specific moment)"}
PROBLEM_TYPES = {
    "injury": "Injury",
    "illness": "Illness",
    "already_reported": "Already reported (same problem as a report)",
}
MAX_DESCRIPTION = 500


def report_form(viewer: Viewer, key: str) -> None:
    """Report a problem for the athlete in view: the member's own, or the coach's chosen athlete."""
    areas = data.ostrc_areas(viewer)
    labels = dict(zip(areas["area"].to_list(), areas["label"].to_list(), strict=True))
    with st.form(f"{key}_report", clear_on_submit=True):
        onset = st.date_input("When did it start?", value=date.today(), max_value=date.today())
        area = st.selectbox("Where?", list(labels), format_func=labels.get)
        side = st.radio("Side", list(SIDES), format_func=SIDES.get, horizontal=True)
        how = st.radio("How did it start?", list(ONSETS), format_func=ONSETS.get)
        description = st.text_area(
            "What happened? (a sentence is enough)", max_chars=MAX_DESCRIPTION
        )
        can_run = st.radio("Can you still run?", ["Yes", "No"], horizontal=True)
        sent = st.form_submit_button("Send report", type="primary")
    if sent:
        write_entry(
            viewer,
            REPORT,
            {
                "onset_date": onset.isoformat(),
                "area": area,
                "side": side,
                "onset": how,
                "description": description.strip(),
                "can_run": can_run == "Yes",
            },
            athlete_id=viewer.athlete_in_view,
        )
        st.success(
            "Report received: the coach sees it in the follow-up queue after the next data run "
            "(usually within a few minutes)."
        )


def _pending_reports(viewer: Viewer, problems: pl.DataFrame) -> None:
    """A member's reports written but not yet in the published data, shown as received."""
    if viewer.is_coach:
        return
    published = set(problems["problem_id"].to_list())
    for entry in own_entries(viewer, REPORT):
        if f"report:{entry.get('entry_id')}" not in published:
            st.info(
                f"Received {str(entry.get('entered_at'))[:16].replace('T', ' ')} UTC: your report "
                f"of a problem starting {entry.get('onset_date')} ({entry.get('area')}). It appears "
                "here after the next data run."
            )


def render(viewer: Viewer, key: str = "me") -> None:
    """The athlete's problems and their classification, then the report form."""
    st.subheader("Problems and the coach's follow-up")
    problems = data.athlete_problems(viewer)
    _pending_reports(viewer, problems)
    shown = problems.with_columns(
        pl.col("problem_type").replace_strict(PROBLEM_TYPES, default="Not classified yet"),
        pl.col("side").replace_strict(SIDES, default=None),
    ).select(
        "first_date",
        "source",
        "area_label",
        "side",
        "description",
        "problem_type",
        "diagnosis",
        "time_loss_days",
        "recurrence",
        "resolved_date",
    )
    ui.table_or_notice(
        shown,
        column_config={
            "first_date": st.column_config.DateColumn("Started"),
            "source": "From",
            "area_label": "Where",
            "side": "Side",
            "description": "What was reported",
            "problem_type": "Coach's classification",
            "diagnosis": "Diagnosis",
            "time_loss_days": "Days without running",
            "recurrence": "New or recurrence",
            "resolved_date": st.column_config.DateColumn("Resolved"),
        },
        when_empty="No problems reported or found in your check-ins.",
        good_news=True,
    )
    if not viewer.is_coach:
        st.caption("The coach classifies each problem; you see it here once they have.")
    with st.expander("Report a problem", expanded=False):
        report_form(viewer, key)
