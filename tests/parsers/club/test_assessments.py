"""club/assessments.csv: long rows grouped into sessions, each bad row reported with its row, column
and reason by the same catalogue check the app's form runs, and the rest loaded."""

from __future__ import annotations

from datetime import date

import pytest

from pipelines.parsers.club.assessment_catalog import AssessmentCatalog
from pipelines.parsers.club.assessments import parse_assessments
from pipelines.parsers.schemas import ParseError

HEADER = "athlete_id,assessed_on,assessor,body_mass_kg,test,measure,side,trial,value\n"
HHD_LEFT = """a001,2026-03-02,Sam,62.5,hip_abduction_hhd,force_n,left,1,"182,5"
a001,2026-03-02,Sam,62.5,hip_abduction_hhd,force_n,left,2,190
a001,2026-03-02,Sam,62.5,hip_abduction_hhd,lever_arm_m,left,,0.8
a001,2026-03-02,Sam,62.5,hip_abduction_hhd,mode,left,,Break
a001,2026-03-02,Sam,62.5,hip_abduction_hhd,position,left,,side_lying
"""


def parse(body: str):
    return parse_assessments(
        (HEADER + body).encode(), {"a001", "a002"}, AssessmentCatalog.default()
    )


def test_rows_become_a_session_and_its_values() -> None:
    sessions, results, errors = parse(
        HHD_LEFT + "a002,2026-03-03,Jo,70,side_bridge,hold_s,left,,\n"
    )
    assert [(e.row_number, e.column, e.reason) for e in errors] == [
        (7, "value", "side_bridge hold_s has no value")
    ]
    (session,) = sessions.to_dicts()
    assert session["session_id"].startswith("csv-") and len(session["session_id"]) == 36
    assert {k: session[k] for k in ("athlete_id", "assessed_on", "assessor", "body_mass_kg")} == {
        "athlete_id": "a001",
        "assessed_on": date(2026, 3, 2),
        "assessor": "Sam",
        "body_mass_kg": 62.5,
    }
    assert (session["source"], session["entry_id"]) == ("csv", None)
    assert results.select("measure", "trial", "value_num", "value_level").rows() == [
        ("force_n", 1, 182.5, None),
        ("force_n", 2, 190.0, None),
        ("lever_arm_m", 1, 0.8, None),
        ("mode", 1, None, "break"),
        ("position", 1, None, "side_lying"),
    ]


def test_each_bad_row_is_reported_with_row_column_and_reason() -> None:
    body = HHD_LEFT + (
        "a001,2026-03-02,Sam,62.5,hip_abduction_hhd,force_n,left,5,190\n"  # row 7
        "a001,2026-03-02,Sam,62.5,hip_abduction_hhd,force_n,right,1,990\n"  # row 8
        "a999,2026-03-02,Sam,62.5,side_bridge,hold_s,left,,60\n"  # row 9
        "a001,2026-03-02,Sam,62.5,side_bridge,hold_s,left,,60\n"  # row 10
        "a001,2026-03-02,Sam,63,side_bridge,hold_s,right,,60\n"  # row 11
        "a001,2026-03-02,Sam,62.5,side_bridge,hold_s,left,,61\n"  # row 12
        "a001,2026-03-02,Sam,62.5,side_bridge,hold_s,both,,61\n"  # row 13
        "a001,2026-03-02,Sam,62.5,grip,force_n,left,,61\n"  # row 14
        "a001,2026-03-02,Sam,62.5,single_leg_squat,knee,left,,wobbly\n"  # row 15
        "a001,02/03/2026,Sam,62.5,side_bridge,hold_s,left,,60\n"  # row 16
        "a001,2026-03-05,Sam,12,side_bridge,hold_s,left,,60\n"  # row 17
        "a002,2026-03-03,Jo,70,single_leg_bridge,reps,left,,20\n"  # row 18
    )
    sessions, results, errors = parse(body)
    assert [(e.row_number, e.column, e.reason) for e in errors] == [
        (7, "trial", "hip_abduction_hhd force_n trial 5 is not 1 to 4"),
        (8, "value", "hip_abduction_hhd force_n 990 N is outside 20-800 N"),
        (
            9,
            "athlete_id",
            "athlete 'a999' is not in the roster: add them to club/roster.csv or correct the id",
        ),
        (
            11,
            "body_mass_kg",
            "body_mass_kg differs from the session's first row (same athlete, date, assessor)",
        ),
        (12, "trial", "the same value (session, test, measure, side, trial) is in an earlier row"),
        (13, "side", "side_bridge hold_s side 'both' is not one of left, right"),
        (14, "test", "test 'grip' is not in the club's catalogue (assessment_tests.yaml)"),
        (15, "value", "single_leg_squat knee 'wobbly' is not one of good, fair, poor"),
        (
            16,
            "assessed_on",
            "assessed_on '02/03/2026' is not a date: write dates as YYYY-MM-DD, e.g. 2026-03-14 "
            "(spreadsheets may reformat them on save)",
        ),
        (17, "body_mass_kg", "body_mass_kg '12' is not a number of kg from 30 to 200"),
        (
            18,
            "measure",
            "the session was left out: single_leg_bridge left has no box_height_cm (only optional "
            "measures may be left out)",
        ),
    ]
    assert sessions["athlete_id"].to_list() == ["a001"]
    assert results.height == 6  # the five hip abduction values and row 10's side bridge


def test_a_file_without_a_required_column_is_refused_with_the_header_it_needs() -> None:
    with pytest.raises(ParseError) as error:
        parse_assessments(
            b"athlete_id,assessed_on,test,measure,value\n", {"a001"}, AssessmentCatalog.default()
        )
    assert error.value.reason == "assessments.csv is missing the columns assessor, body_mass_kg"
