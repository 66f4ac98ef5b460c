"""OSTRC-O2 answers scored against hand-computed severities (Clarsen 2013/2020 scores)."""

from __future__ import annotations

from datetime import date

from pipelines.parsers.club.ostrc import parse_ostrc
from pipelines.parsers.schemas import RowError

ROSTER = {"a001", "a002", "a003", "a004", "a005", "a006"}


def scored(csv: str):
    responses, errors = parse_ostrc(csv.encode(), ROSTER)
    assert errors == []
    return responses


def test_each_class_of_answer_by_codes():
    responses = scored(
        "athlete_id,week_start,q1,q2,q3,q4\n"
        "a001,2026-03-16,0,0,0,0\n"  # no problem
        "a002,2026-03-16,1,1,1,1\n"  # problem, not substantial: 8 + 6 + 6 + 8 = 28
        "a003,2026-03-16,3,1,1,0\n"  # substantial via Q1 could not participate: 25 + 6 + 6 + 0 = 37
        "a004,2026-03-16,1,2,0,1\n"  # substantial via Q2 moderate: 8 + 13 + 0 + 8 = 29
        "a005,2026-03-16,1,0,2,1\n"  # substantial via Q3 moderate: 8 + 0 + 13 + 8 = 29
        "a006,2026-03-16,3,4,4,3\n"  # the maximum: 25 + 25 + 25 + 25 = 100
    )
    assert responses.select("severity", "problem", "substantial_problem").rows() == [
        (0, False, False),
        (28, True, False),
        (37, True, True),
        (29, True, True),
        (29, True, True),
        (100, True, True),
    ]
    assert responses.select("q1_score", "q2_score", "q3_score", "q4_score").row(3) == (8, 13, 0, 8)


def test_texts_score_like_their_codes():
    by_text = scored(
        "athlete_id,week_start,q1,q2,q3,q4\n"
        "a001,2026-03-16,Full participation without health problems,No reduction,No effect,No symptoms\n"
        'a002,2026-03-16,"full participation, BUT with a health problem!",to a minor extent,minor,mild\n'
        "a003,2026-03-16,Cannot participate due to injury/illness,To a minor extent,To a minor extent,"
        "No pain\n"
        "a004,2026-03-16,Reduced participation due to a health problem,To a MODERATE extent,"
        "No effect,To a mild extent\n"
        "a005,2026-03-16,Full participation but with injury,No reduction,moderate,Moderate\n"
    )
    by_code = scored(
        "athlete_id,week_start,q1,q2,q3,q4\n"
        "a001,2026-03-16,0,0,0,0\n"
        "a002,2026-03-16,1,1,1,1\n"
        "a003,2026-03-16,3,1,1,0\n"
        "a004,2026-03-16,2,2,0,1\n"
        "a005,2026-03-16,1,0,2,2\n"
    )
    assert by_text.equals(by_code)
    # a004: 17 + 13 + 0 + 8 = 38; a005: 8 + 0 + 13 + 17 = 38.
    assert by_text["severity"].to_list() == [0, 28, 37, 38, 38]


def test_week_start_from_a_date_or_an_iso_week():
    responses = scored(
        "athlete_id,week_start,q1,q2,q3,q4\n"
        "a001,2026-03-18,0,0,0,0\n"  # a Wednesday: its Monday is 16 March
        "a002,2026-W12,0,0,0,0\n"  # ISO week 12 of 2026 starts Monday 16 March
        "a003,2026-w01,0,0,0,0\n"  # ISO week 1 of 2026 starts Monday 29 December 2025
        "a004,2026-03-16,0,0,0,0\n"
    )
    assert responses["week_start"].to_list() == [
        date(2026, 3, 16),
        date(2026, 3, 16),
        date(2025, 12, 29),
        date(2026, 3, 16),
    ]


def test_duplicate_week_unknown_athlete_and_bad_answers_are_row_errors():
    _, errors = parse_ostrc(
        b"athlete_id,week_start,q1,q2,q3,q4\n"
        b"a001,2026-03-16,0,0,0,0\n"
        b"a001,2026-W12,1,1,1,1\n"
        b"a999,2026-03-16,0,0,0,0\n"
        b"a002,2026-W54,4,maybe,,0\n",
        ROSTER,
    )
    assert errors[:2] == [
        RowError(
            3,
            "week_start",
            "'a001' already answered for the week starting 2026-03-16 in an earlier row: keep one "
            "answer per week",
        ),
        RowError(
            4,
            "athlete_id",
            "athlete 'a999' is not in the roster: add them to club/roster.csv or correct the id",
        ),
    ]
    assert [(e.row_number, e.column) for e in errors[2:]] == [
        (5, "week_start"),
        (5, "q1"),
        (5, "q2"),
        (5, "q3"),
    ]
    assert errors[5].reason == "q3 is empty: every row needs all four answers"
