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
    """Report a problem for the athlete in view: the member's own, or the coach's chosen athlete.

    A report without a description is refused on the form, its other answers kept (the pipeline
    would reject it); a sent one empties the form (a new form key), and `render` says so."""
    labels = data.ostrc_area_labels(viewer)
    sent_count = _sent_count(key)
    with st.form(f"{key}_report_{st.session_state.get(sent_count, 0)}"):
        onset = st.date_input("When did it start?", value=date.today(), max_value=date.today())
        area = st.selectbox("Where?", list(labels), format_func=labels.get)
        side = st.radio("Side", list(SIDES), format_func=SIDES.get, horizontal=True)
        how = st.radio("How did it start?", list(ONSETS), format_func=ONSETS.get)
        description = st.text_area(
            "What happened? (a sentence is enough)", max_chars=MAX_DESCRIPTION
        )
        can_run = st.radio("Can you still run?", ["Yes", "No"], horizontal=True)
        sent = st.form_submit_button("Send report", type="primary")
    if sent and not description.strip():
        st.error(
            "Nothing was sent: say in a sentence what happened (what hurts, and when or how it "
            "started), then send the report again."
        )
    elif sent:
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
        st.session_state[sent_count] = st.session_state.get(sent_count, 0) + 1
        st.rerun()


def _sent_count(key: str) -> str:
    """The session's count of reports sent from the form `key`."""
    return f"{key}_reports_sent"


def _pending_reports(viewer: Viewer, problems: pl.DataFrame) -> None:
    """A member's reports written but not yet in the published data: received, or, when the data
    run could not use one, why and what to do."""
    if viewer.is_coach:
        return
    published = set(problems["problem_id"].to_list())
    pending = [
        e for e in own_entries(viewer, REPORT) if f"report:{e.get('entry_id')}" not in published
    ]
    if not pending:
        return
    labels = data.ostrc_area_labels(viewer)
    refused = {r["file_name"]: r for r in data.athlete_file_problems(viewer).iter_rows(named=True)}
    for entry in pending:
        when = str(entry.get("entered_at"))[:16].replace("T", " ")
        what = (
            f"your report of a problem starting {entry.get('onset_date')} "
            f"({labels.get(entry.get('area'), entry.get('area'))})"
        )
        if (problem := refused.get(entry["file_name"])) is not None:
            st.warning(
                f"Sent {when} UTC: {what} could not be used: {problem['reason']}. Please "
                f"{problem['hint'] or 'send it again'} (the form is below)."
            )
        else:
            st.info(f"Received {when} UTC: {what}. It appears here after the next data run.")


def problem_line(row: dict) -> str:
    """One problem in words: where, since when, from what, and the coach's classification."""
    source = "your check-ins" if row["source"] == "OSTRC check-in" else "a report"
    text = f"**{row['area_label']}**, from {row['first_date']:%d %b %Y} ({source})"
    if row["description"] and row["source"] == "report":
        text += f": {row['description'].rstrip(' .')}"  # the sentence's own full stop, not two
    if row["problem_type"] is None:
        return text + ". *Not classified by the coach yet.*"
    text += f". Coach's classification: **{PROBLEM_TYPES[row['problem_type']]}**"
    if row["diagnosis"]:
        text += f", {row['diagnosis']}"
    text += f"; {row['time_loss_days']} day(s) without running"
    if row["recurrence"] == "recurrence":
        text += "; a recurrence"
    if row["resolved_date"] is not None:
        text += f"; resolved {row['resolved_date']:%d %b %Y}"
    return text + "."


def render(viewer: Viewer, key: str = "me") -> None:
    """The athlete's problems and their classification (read-only), then the report form."""
    st.subheader("Problems and the coach's follow-up")
    problems = data.athlete_problems(viewer)
    _pending_reports(viewer, problems)
    if problems.is_empty():
        st.info(
            "Nothing to follow up: no problem reported in the app, and no check-in naming a body "
            "area with a problem. Weeks answered with a problem are in the chart above; injuries "
            "the coach logged are below."
        )
    for row in problems.iter_rows(named=True):
        st.markdown(f"- {problem_line(row)}")
    ui.download(
        problems.drop("display_name", "needs_follow_up"), "problems.csv", key=f"{key}_problems_csv"
    )
    if not viewer.is_coach:
        st.caption("The coach classifies each problem; you see it here once they have.")
    with st.expander("Report a problem", expanded=False):
        report_form(viewer, key)
    if st.session_state.get(_sent_count(key)):  # below the folded form, where it shows
        st.success(
            "Report received: the coach sees it in the follow-up queue after the next data run "
            "(usually within a few minutes)."
        )
