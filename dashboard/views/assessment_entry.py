"""The coach's assessment entry: pick a member, then the session's date, assessor, body mass and the
tests done; every value is checked against the catalogue and refused on the form with its reason
before anything is written; a correction is a new document superseding the session it corrects."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import streamlit as st

from dashboard import data, ui
from dashboard.accounts.viewer import Viewer
from dashboard.forms import assessment
from dashboard.forms.entries import ASSESSMENT, records_entries, write_assessment_session
from pipelines.parsers.club.assessment_catalog import AssessmentCatalog

NEW = "new"


def _session_label(document: dict[str, Any]) -> str:
    return (
        f"Correct the session of {document.get('assessed_on')} by {document.get('assessor')} "
        f"(entered {str(document.get('entered_at', ''))[:16].replace('T', ' ')} UTC)"
    )


def _input(field: assessment.Field, previous: Any, key: str) -> Any:
    if field.kind == "level":
        return st.radio(
            field.label,
            field.levels,
            index=field.levels.index(previous) if previous in field.levels else None,
            horizontal=True,
            key=key,
        )
    step, shown = field.step
    return st.number_input(
        field.label,
        value=None if previous is None else float(previous),
        step=step,
        format=shown,
        placeholder="optional" if field.optional else "",
        key=key,
    )


def _test_inputs(
    catalog: AssessmentCatalog, test: str, previous: dict[str, Any], key: str
) -> dict[assessment.Field, Any]:
    """One test's inputs, left and right side by side."""
    values = {}
    by_side: dict[str, list[assessment.Field]] = {}
    for field in assessment.fields(catalog, test):
        by_side.setdefault(field.side, []).append(field)
    columns = st.columns(len(by_side))
    for column, side_fields in zip(columns, by_side.values(), strict=True):
        with column:
            for field in side_fields:
                values[field] = _input(field, previous.get(field.key), f"{key}_{field.key}")
    return values


def _save(
    viewer: Viewer,
    member: str,
    name: str,
    correcting: dict[str, Any] | None,
    assessed_on: date,
    assessor: str,
    body_mass_kg: float | None,
    catalog: AssessmentCatalog,
    values: dict[assessment.Field, Any],
) -> None:
    """Write the session when every value passes the catalogue's checks; else refuse it, saying why."""
    refused = assessment.refusals(catalog, assessor, body_mass_kg, values)
    if refused:
        st.error(
            "Nothing was saved. Correct these values and save again:\n\n"
            + "\n".join(f"- {reason}" for reason in refused)
        )
        return
    results = assessment.results(values)
    write_assessment_session(
        viewer,
        member,
        assessed_on=assessed_on,
        assessor=assessor.strip(),
        body_mass_kg=float(body_mass_kg),
        results=results,
        catalog=catalog,
        supersedes=correcting["entry_id"] if correcting else None,
    )
    st.session_state["assessment_saved"] = {
        "name": name,
        "assessed_on": assessed_on.isoformat(),
        "results": results,
        "corrected": bool(correcting),
    }
    st.session_state["assessment_saves"] = st.session_state.get("assessment_saves", 0) + 1
    st.rerun()


def _receipt() -> None:
    """What the last save wrote, and when it shows."""
    saved = st.session_state.get("assessment_saved")
    if not saved:
        return
    what = "correction of the assessment" if saved["corrected"] else "assessment"
    st.success(
        f"Saved the {what} of {saved['name']} on {saved['assessed_on']} "
        f"({len(saved['results'])} values). It shows on the member's My assessments page and "
        "here after the next data run (usually within a few minutes)."
    )
    ui.table(pl.DataFrame([{**r, "value": str(r["value"])} for r in saved["results"]]))


def render(viewer: Viewer) -> None:
    """The entry (or correction) form for one member's assessment session."""
    roster = data.athletes(viewer)
    catalog = AssessmentCatalog.from_frame(data.assessment_catalog(viewer))
    names = dict(zip(roster["athlete_id"].to_list(), roster["display_name"].to_list(), strict=True))
    member = st.selectbox(
        "Member", list(names), format_func=lambda a: f"{names[a]} ({a})", key="assess_member"
    )
    entered = {e["entry_id"]: e for e in records_entries(viewer, ASSESSMENT, member)}
    chosen = st.selectbox(
        "Session",
        [NEW, *entered],
        format_func=lambda e: "A new session" if e == NEW else _session_label(entered[e]),
        key=f"assess_session_{member}",
    )
    correcting = entered.get(chosen)
    previous = assessment.previous_values(correcting)
    tests = assessment.test_names(catalog)
    done = st.multiselect(
        "Tests done",
        list(tests),
        default=[t for t in tests if any(k.startswith(f"{t}.") for k in previous)],
        format_func=tests.get,
        key=f"assess_tests_{member}_{chosen}",
    )
    form_key = f"assess_{member}_{chosen}_{st.session_state.get('assessment_saves', 0)}"
    with st.form(form_key):
        assessed_on = st.date_input(
            "Date of the assessment",
            value=date.fromisoformat(correcting["assessed_on"]) if correcting else date.today(),
            max_value=date.today(),
        )
        assessor = st.text_input(
            "Assessor (who did the tests)",
            value=correcting.get("assessor", "") if correcting else "",
            max_chars=100,
        )
        body_mass = st.number_input(
            "Body mass (kg)",
            value=correcting.get("body_mass_kg") if correcting else None,
            step=0.1,
            format="%.1f",
        )
        values: dict[assessment.Field, Any] = {}
        for test in done:
            st.markdown(f"**{tests[test]}**")
            values |= _test_inputs(catalog, test, previous, form_key)
        sent = st.form_submit_button("Save assessment", type="primary")
    if sent:
        _save(
            viewer,
            member,
            names[member],
            correcting,
            assessed_on,
            assessor,
            body_mass,
            catalog,
            values,
        )
    _receipt()
