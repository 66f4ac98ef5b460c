"""App entries as documents: the three forms, scored and attributed, and every way one is refused."""

from __future__ import annotations

import json

import polars as pl
import pytest

from pipelines.parsers.club.ostrc_areas import default_area_codes
from pipelines.parsers.forms.entries import ENTRY as PLACE
from pipelines.parsers.forms.entries import finished, read_form, score_checkins
from pipelines.parsers.schemas import ParseError

AREAS = default_area_codes()
ROSTER = {"a001", "a002"}
MAX = 64 * 1024
ENTRY = "0123456789abcdef0123456789abcdef"


def document(form: str, **fields) -> dict:
    return {
        "form": form,
        "form_version": 1,
        "entry_id": ENTRY,
        "entered_at": "2026-11-30T19:05:00+00:00",
        "entered_by": "alex",
        "entered_role": "member",
        **fields,
    }


def checkin(**answers) -> dict:
    return document(
        "ostrc_checkin",
        week_start="2026-11-23",
        instrument_version="2.0",
        answers=answers,
        supersedes=None,
    )


def parse(doc: dict, folder: str | None = "a001"):
    return finished(read_form(json.dumps(doc).encode(), folder, ROSTER, AREAS, MAX), AREAS)


def test_a_checkin_with_a_problem_in_one_area_is_scored_per_area() -> None:
    parsed = parse(
        checkin(
            knee={"q1": 2, "q2": 2, "q3": 1, "q4": 2},  # 17 + 17 + 8 + 17
            thigh={"q1": 0},
            lower_back={"q1": 3},
        )
    )
    assert parsed.table == "checkin_answers"
    rows = {r["area"]: r for r in parsed.rows.to_dicts()}
    assert {a: r["severity"] for a, r in rows.items()} == {
        "knee": 59,
        "thigh": 0,
        "lower_back": 100,
    }
    assert {a: r["problem"] for a, r in rows.items()} == {
        "knee": True,
        "thigh": False,
        "lower_back": True,
    }
    assert {a: r["substantial_problem"] for a, r in rows.items()} == {
        "knee": True,  # Q2 "moderate" = 17
        "thigh": False,
        "lower_back": True,  # could not participate
    }
    assert {r["athlete_id"] for r in rows.values()} == {"a001"}
    assert {r["entry_id"] for r in rows.values()} == {ENTRY}


def test_the_folder_names_the_athlete_and_a_document_naming_another_is_refused() -> None:
    doc = checkin(knee={"q1": 0})
    assert parse(doc | {"athlete_id": "a001"}).rows["athlete_id"].unique().to_list() == ["a001"]
    with pytest.raises(ParseError, match="names athlete 'a002' but was written into 'a001'"):
        parse(doc | {"athlete_id": "a002"})


def test_an_athlete_not_on_the_roster_is_refused() -> None:
    with pytest.raises(ParseError, match="athlete 'a999' is not in club/roster.csv"):
        parse(checkin(knee={"q1": 0}), folder="a999")


def test_malformed_oversized_and_unknown_forms_are_refused_with_a_reason() -> None:
    with pytest.raises(ParseError, match="not readable JSON"):
        read_form(b"{not json", "a001", ROSTER, AREAS, MAX)
    with pytest.raises(ParseError, match="more than the 64 KB"):
        read_form(b" " * (MAX + 1), "a001", ROSTER, AREAS, MAX)
    with pytest.raises(ParseError, match="not a JSON object"):
        read_form(b"[1, 2]", "a001", ROSTER, AREAS, MAX)
    with pytest.raises(ParseError, match="which a member's forms folder does not take"):
        parse(document("problem_classification"))
    with pytest.raises(ParseError, match="entry_id 'x' is not 32 hex digits"):
        parse(checkin(knee={"q1": 0}) | {"entry_id": "x"})
    with pytest.raises(ParseError, match="has no UTC offset"):
        parse(checkin(knee={"q1": 0}) | {"entered_at": "2026-11-30T19:05:00"})


def test_unusable_answers_refuse_the_whole_checkin() -> None:
    with pytest.raises(ParseError, match="knee: q2 is empty"):
        parse(checkin(knee={"q1": 1}, thigh={"q1": 0}))
    with pytest.raises(ParseError, match="area 'elbow' is not an area"):
        parse(checkin(elbow={"q1": 0}))
    with pytest.raises(ParseError, match="not q1-q4 option codes"):
        parse(checkin(knee={"q1": "often"}))
    with pytest.raises(ParseError, match="not the Monday"):
        parse(checkin(knee={"q1": 0}) | {"week_start": "2026-11-25"})


def test_an_injury_report_from_a_member_and_from_the_coach() -> None:
    fields = {
        "onset_date": "2026-11-28",
        "area": "knee",
        "side": "left",
        "onset": "gradual",
        "description": "Outside of knee aches after 5 km",
        "can_run": True,
    }
    mine = parse(document("injury_report", **fields))
    assert mine.table == "injury_reports"
    assert mine.rows.select("report_id", "athlete_id", "area", "can_run").rows() == [
        (ENTRY, "a001", "knee", True)
    ]
    coach = document("injury_report", athlete_id="a002", **fields) | {"entered_role": "coach"}
    assert parse(coach, folder=None).rows["athlete_id"].to_list() == ["a002"]
    with pytest.raises(ParseError, match="the entry's athlete_id is missing"):
        parse(document("injury_report", **fields), folder=None)
    with pytest.raises(ParseError, match="side 'up' is not one of"):
        parse(document("injury_report", **fields | {"side": "up"}))
    with pytest.raises(ParseError, match="after the day it was reported"):
        parse(document("injury_report", **fields | {"onset_date": "2026-12-25"}))
    # an optional text left blank (the app's empty text box) is read as absent, not refused
    for blank in ("", "   "):
        report = parse(document("injury_report", **fields | {"description": blank}))
        assert report.rows["description"].to_list() == [""]


def test_a_classification_only_from_club_records() -> None:
    fields = {
        "athlete_id": "a002",
        "problem_id": "ostrc:knee:2026-11-16",
        "problem_type": "injury",
        "diagnosis": "Patellofemoral pain",
        "time_loss_days": 3,
        "consulted_professional": True,
        "recurrence": "new",
        "resolved_date": None,
    }
    parsed = parse(document("problem_classification", **fields), folder=None)
    assert parsed.table == "problem_classifications"
    assert parsed.rows.select("athlete_id", "problem_id", "time_loss_days").rows() == [
        ("a002", "ostrc:knee:2026-11-16", 3)
    ]
    with pytest.raises(ParseError, match="names no report or OSTRC problem"):
        parse(document("problem_classification", **fields | {"problem_id": "x"}), folder=None)
    with pytest.raises(ParseError, match="time_loss_days -1"):
        parse(document("problem_classification", **fields | {"time_loss_days": -1}), folder=None)
    # the coach's empty diagnosis box: a classification without a diagnosis, not a refused one
    undiagnosed = parse(document("problem_classification", **fields | {"diagnosis": ""}), None)
    assert undiagnosed.rows["diagnosis"].to_list() == [""]
    with pytest.raises(ParseError, match="the entry's diagnosis is missing or not text"):
        parse(document("problem_classification", **fields | {"diagnosis": 7}), folder=None)


def test_checkins_scored_together_equal_each_scored_alone() -> None:
    # a run scores all its check-ins at once: a second entry for the same week and area (a
    # correction) is no repeat of the first, and an unusable answer rejects only its own entry
    docs = [
        (checkin(knee={"q1": 2, "q2": 2, "q3": 1, "q4": 2}, thigh={"q1": 0}), "a001"),
        (checkin(knee={"q1": 1, "q2": 0, "q3": 0, "q4": 0}) | {"entry_id": "f" * 32}, "a001"),
        (checkin(knee={"q1": 9}, lower_back={"q1": 3}) | {"entry_id": "e" * 32}, "a002"),
        (checkin(lower_back={"q1": 3}) | {"entry_id": "d" * 32}, "a002"),
    ]
    read = [read_form(json.dumps(d).encode(), f, ROSTER, AREAS, MAX) for d, f in docs]
    rows, problems = score_checkins(read, AREAS)
    for i, form in enumerate(read):
        try:
            alone = finished(form, AREAS).rows
        except ParseError as error:
            assert problems[i].reason == error.reason
            continue
        assert rows.filter(pl.col(PLACE) == i).drop(PLACE).equals(alone)
    assert sorted(problems) == [2]
    assert problems[2].reason.startswith("the check-in has unusable answers: knee: ")
    assert rows.filter(pl.col(PLACE) == 1)["severity"].to_list() == [8]  # the correction's own
    with pytest.raises(ParseError, match="unusable answers: knee"):
        parse(docs[2][0], folder="a002")
