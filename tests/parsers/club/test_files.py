"""The coach's roster and enrolments: valid rows load, each broken rule is one readable row error."""

from __future__ import annotations

from datetime import date

from pipelines.parsers.club.files import parse_enrolments, parse_roster
from pipelines.parsers.schemas import RowError

ROSTER = b"""athlete_id,display_name,sex,birth_year,weight_unit,time_zone,hr_rest,hr_max,training_group
a001,Alex Morgan,F,1988,kg,Europe/London,52,186,Tuesday intervals
a002,Bo Lind,m,1990,LBS,,,,
a001,Alex Again,F,1988,kg,Europe/London,52,186,
a 3,Cy,Q,1800,stone,Mars/Base,300,90,
a004,Dee,X,1979,,America/New_York,60,,Sunday long run
"""


def test_roster_loads_members_with_defaults():
    athletes, _ = parse_roster(ROSTER, club_time_zone="Europe/Berlin")
    assert athletes.to_dicts() == [
        {
            "athlete_id": "a001",
            "display_name": "Alex Morgan",
            "sex": "F",
            "birth_year": 1988,
            "weight_unit": "kg",
            "time_zone": "Europe/London",
            "hr_rest": 52,
            "hr_max": 186,
            "training_group": "Tuesday intervals",
            "email": None,
        },
        {
            "athlete_id": "a002",
            "display_name": "Bo Lind",
            "sex": "M",
            "birth_year": 1990,
            "weight_unit": "lb",
            "time_zone": "Europe/Berlin",  # empty: the club's time zone
            "hr_rest": None,
            "hr_max": None,
            "training_group": None,
            "email": None,
        },
        {
            "athlete_id": "a004",
            "display_name": "Dee",
            "sex": "X",
            "birth_year": 1979,
            "weight_unit": "kg",  # empty: kg
            "time_zone": "America/New_York",
            "hr_rest": 60,
            "hr_max": None,
            "training_group": "Sunday long run",
            "email": None,
        },
    ]


def test_roster_duplicate_ids_and_bad_values_are_row_errors():
    _, errors = parse_roster(ROSTER, club_time_zone="Europe/Berlin")
    assert errors[0] == RowError(
        4, "athlete_id", "athlete_id 'a001' is already used by an earlier row"
    )
    assert [(e.row_number, e.column) for e in errors[1:]] == [
        (5, "athlete_id"),
        (5, "sex"),
        (5, "birth_year"),
        (5, "weight_unit"),
        (5, "time_zone"),
        (5, "hr_rest"),
        (5, "hr_max"),
        (5, "hr_max"),
    ]
    assert errors[5].reason == (
        "time_zone 'Mars/Base' is not a time zone name such as Europe/London or America/New_York"
    )


def test_roster_without_a_time_zone_and_no_club_default_is_an_error():
    _, errors = parse_roster(b"athlete_id,display_name,time_zone\na001,Alex,\n")
    assert [(e.row_number, e.column) for e in errors] == [(2, "time_zone")]


def test_roster_email_is_optional_and_a_bad_one_keeps_the_member_without_reminders():
    roster = b"""athlete_id,display_name,time_zone,email
a001,Alex,Europe/London, alex.m@example.org
a002,Bo,Europe/London,
a003,Cy,Europe/London,cy at example.org
a004,Dee,Europe/London,Dee <dee@example.org>
a005,Eve,Europe/London,eve@localhost
"""
    athletes, errors = parse_roster(roster)
    assert dict(athletes.select("athlete_id", "email").iter_rows()) == {
        "a001": "alex.m@example.org",
        "a002": None,
        "a003": None,
        "a004": None,
        "a005": None,
    }
    assert [(e.row_number, e.column) for e in errors] == [(4, "email"), (5, "email"), (6, "email")]
    assert errors[0].reason == (
        "email 'cy at example.org' is not a plain e-mail address such as ann@example.org: the "
        "member is loaded without check-in reminders until it is corrected (or left empty)"
    )


ENROLMENTS = b"""athlete_id,program_id,start_date,end_date
a001,glute_12wk,2026-01-05,2026-03-29
a001,glute_12wk,2026-03-30,
a002,glute_12wk,2026-01-05,
a002,glute_12wk,2026-02-02,2026-03-01
a003,glute_12wk,2026-03-05,2026-03-01
a003,hip_core,2026-03-05,
a999,glute_12wk,2026-03-05,
a003,glute_12wk,14/03/2026,
a003,glute_12wk,2026-01-05,2026-01-31
"""


def test_enrolments_load_back_to_back_programs():
    enrolments, _ = parse_enrolments(ENROLMENTS, {"glute_12wk"}, {"a001", "a002", "a003"})
    assert enrolments.rows() == [
        ("a001", "glute_12wk", date(2026, 1, 5), date(2026, 3, 29)),
        ("a001", "glute_12wk", date(2026, 3, 30), None),
        ("a002", "glute_12wk", date(2026, 1, 5), None),
        ("a003", "glute_12wk", date(2026, 1, 5), date(2026, 1, 31)),
    ]


def test_enrolment_errors_name_row_and_reason():
    _, errors = parse_enrolments(ENROLMENTS, {"glute_12wk"}, {"a001", "a002", "a003"})
    assert errors == [
        RowError(
            5,
            "start_date",
            "this enrolment of 'a002' starts 2026-02-02 while an earlier one is still ongoing "
            "(no end_date): end the earlier enrolment first",
        ),
        RowError(6, "end_date", "end_date '2026-03-01' is before start_date '2026-03-05'"),
        RowError(7, "program_id", "program 'hip_core' is not in programs.yaml (known: glute_12wk)"),
        RowError(
            8,
            "athlete_id",
            "athlete 'a999' is not in the roster: add them to club/roster.csv or correct the id",
        ),
        RowError(
            9,
            "start_date",
            "start_date '14/03/2026' is not a date: write dates as YYYY-MM-DD, e.g. 2026-03-14 "
            "(spreadsheets may reformat them on save)",
        ),
    ]


def test_an_enrolment_inside_an_earlier_one_is_an_overlap():
    data = b"""athlete_id,program_id,start_date,end_date
a001,glute_12wk,2026-01-05,2026-06-30
a001,glute_12wk,2026-02-02,2026-03-01
a001,glute_12wk,2026-06-30,
"""
    _, errors = parse_enrolments(data, {"glute_12wk"}, {"a001"})
    assert [(e.row_number, e.reason) for e in errors] == [
        (
            3,
            "this enrolment of 'a001' starts 2026-02-02 while an earlier one runs until "
            "2026-06-30: end the earlier enrolment first",
        ),
        (
            4,
            "this enrolment of 'a001' starts 2026-06-30 while an earlier one runs until "
            "2026-06-30: end the earlier enrolment first",
        ),
    ]
