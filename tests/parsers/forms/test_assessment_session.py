"""The coach's assessment session document: accepted as a session and its values, refused whole with
the first reason, for coaches' records only."""

from __future__ import annotations

import json
from datetime import date

import pytest

from pipelines.parsers.club.ostrc_areas import default_area_codes
from pipelines.parsers.forms.entries import finished, read_form
from pipelines.parsers.schemas import ParseError

ENTRY = "0123456789abcdef0123456789abcdef"
EARLIER = "fedcba9876543210fedcba9876543210"
FORCES = (170.0, 182.0, 179.0, 181.0)


def results(side: str = "left") -> list[dict]:
    def value(test: str, measure: str, v: object, trial: int = 1) -> dict:
        return {"test": test, "measure": measure, "side": side, "trial": trial, "value": v}

    return [
        *(value("hip_abduction_hhd", "force_n", f, i) for i, f in enumerate(FORCES, start=1)),
        value("hip_abduction_hhd", "lever_arm_m", 0.8),
        value("hip_abduction_hhd", "mode", "break"),
        value("hip_abduction_hhd", "position", "side_lying"),
        *(
            value("single_leg_squat", m, r)
            for m, r in zip(
                ("overall", "trunk", "pelvis", "hip", "knee"),
                ("good", "good", "good", "fair", "fair"),
                strict=True,
            )
        ),
    ]


def session(**fields) -> dict:
    return {
        "form": "assessment_session",
        "form_version": 1,
        "entry_id": ENTRY,
        "entered_at": "2026-03-02T18:00:00+00:00",
        "entered_by": "coach",
        "entered_role": "coach",
        "athlete_id": "a001",
        "assessed_on": "2026-03-02",
        "assessor": "Sam (physio)",
        "body_mass_kg": 62.5,
        "supersedes": None,
        "results": results("left") + results("right"),
    } | fields


def parse(doc: dict, folder: str | None = None):
    areas = default_area_codes()
    return finished(read_form(json.dumps(doc).encode(), folder, {"a001"}, areas, 64 * 1024), areas)


def refused(doc: dict, folder: str | None = None) -> str:
    with pytest.raises(ParseError) as error:
        parse(doc, folder)
    return error.value.reason


def test_a_session_gives_one_session_row_and_a_row_per_value() -> None:
    parsed = parse(session(supersedes=EARLIER))
    assert parsed.form == "assessment_session"
    assert list(parsed.frames) == ["assessment_sessions", "assessment_results"]
    (row,) = parsed.frames["assessment_sessions"].to_dicts()
    assert {k: row[k] for k in ("session_id", "athlete_id", "assessed_on", "assessor")} == {
        "session_id": ENTRY,
        "athlete_id": "a001",
        "assessed_on": date(2026, 3, 2),
        "assessor": "Sam (physio)",
    }
    assert (row["body_mass_kg"], row["source"], row["supersedes"]) == (62.5, "app", EARLIER)
    values = parsed.frames["assessment_results"]
    assert values.height == 2 * (4 + 3 + 5)
    left_force = values.filter((values["measure"] == "force_n") & (values["side"] == "left")).sort(
        "trial"
    )
    assert left_force["value_num"].to_list() == list(FORCES)
    knee = values.filter((values["measure"] == "knee") & (values["side"] == "right"))
    assert knee.select("value_num", "value_level").rows() == [(None, "fair")]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"body_mass_kg": 250}, "body_mass_kg 250 is not a number of kg from 30 to 200"),
        ({"assessed_on": "2026-03-09"}, "assessed_on 2026-03-09 is after the day it was entered"),
        ({"assessed_on": "March 2"}, "assessed_on 'March 2' is not a date"),
        ({"assessor": ""}, "the entry's assessor is missing or not text"),
        ({"supersedes": "yesterday"}, "supersedes 'yesterday' is not an entry id"),
        ({"results": []}, "the session has no results"),
        ({"entered_role": "member"}, "entered by the coach role only"),
        ({"athlete_id": "a999"}, "athlete 'a999' is not in club/roster.csv"),
    ],
)
def test_each_unusable_field_refuses_the_whole_session(change: dict, reason: str) -> None:
    assert reason in refused(session(**change))


@pytest.mark.parametrize(
    ("index", "value", "reason"),
    [
        (1, {"value": 900.0}, "hip_abduction_hhd force_n 900 N is outside 20-800 N"),
        (1, {"trial": 5}, "hip_abduction_hhd force_n trial 5 is not 1 to 4"),
        (1, {"side": "both"}, "hip_abduction_hhd force_n side 'both' is not one of left, right"),
        (5, {"value": "sideways"}, "hip_abduction_hhd mode 'sideways' is not one of make, break"),
        (7, {"value": "bad"}, "single_leg_squat overall 'bad' is not one of good, fair, poor"),
        (7, {"test": "grip"}, "test 'grip' is not in the club's catalogue (assessment_tests.yaml)"),
        (7, {"measure": "ankle"}, "single_leg_squat has no measure 'ankle'"),
    ],
)
def test_the_first_unusable_value_refuses_the_whole_session(
    index: int, value: dict, reason: str
) -> None:
    doc = session()
    doc["results"][index] = doc["results"][index] | value
    assert refused(doc) == f"the assessment session was not loaded: {reason}"


def test_a_session_is_not_taken_from_a_members_folder() -> None:
    doc = session(entered_role="member")
    assert "which a member's forms folder does not take" in refused(doc, folder="a001")
