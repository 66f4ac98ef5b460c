"""The coach's assessment form through AppTest and the real log-in: an out-of-range value is refused
on the form with the catalogue's reason and nothing is written; corrected, the session is written
as one `assessment_session` document in club/records/; a member cannot open the form."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ui import NOT_AVAILABLE
from tests.dashboard.conftest import COACH, MEMBER, DashClub
from tests.dashboard.test_app import (  # noqa: F401 (the cookie fixtures)
    browser_cookies,
    login,
    no_cookie_left_over,
    open_page,
    run,
    widget,
)

HHD = "Hip abduction strength (hand-held dynamometer)"
SQUAT = "Single-leg squat (5 squats)"
FORCE = HHD + ": Force (N), {side}, trial {trial}"
# what a physio records for a break test of both hips, one force out of range (800 N is the
# catalogue's maximum): refused with the catalogue's reason, then corrected to 195 N
NUMBERS = {
    FORCE.format(side="left", trial=1): 182.0,
    FORCE.format(side="left", trial=2): 188.5,
    FORCE.format(side="right", trial=1): 950.0,
    HHD + ": Lever arm (m), left": 0.85,
    HHD + ": Lever arm (m), right": 0.85,
    "Body mass (kg)": 62.5,
}
LEVELS = {
    HHD + ": Make or break test, {side}": "break",
    HHD + ": Position, {side}": "side_lying",
    SQUAT + ": Overall impression, {side}": "fair",
    SQUAT + ": Trunk, {side}": "good",
    SQUAT + ": Pelvis, {side}": "good",
    SQUAT + ": Hip, {side}": "fair",
    SQUAT + ": Knee, {side}": "poor",
}
REFUSAL = HHD + ": Force (N), right, trial 1: hip_abduction_hhd force_n 950 N is outside 20-800 N"


def records(club: DashClub) -> list[dict]:
    folder = club.home / "club" / "records"
    return [json.loads(p.read_text()) for p in sorted(folder.glob("assessment_session-*.json"))]


def fill(at: AppTest, member: str) -> AppTest:
    """Choose the member and both tests, then fill every value."""
    widget(at.selectbox, "Member").set_value(member)
    run(at)
    widget(at.multiselect, "Tests done").set_value(["hip_abduction_hhd", "single_leg_squat"])
    run(at)
    widget(at.text_input, "Assessor (who did the tests)").input("Sam (physio)")
    for label, value in NUMBERS.items():
        widget(at.number_input, label).set_value(value)
    for label, value in LEVELS.items():
        for side in ("left", "right"):
            widget(at.radio, label.format(side=side)).set_value(value)
    return at


def save(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == "Save assessment").click()
    return run(at)


def test_an_out_of_range_value_is_refused_on_the_form_then_saved_corrected(
    fresh_club: DashClub,
) -> None:
    at = fill(open_page(login(*COACH), "assessments"), fresh_club.member_athlete)
    at = save(at)
    assert not at.exception, at.exception
    errors = "\n".join(e.value for e in at.error)
    assert "Nothing was saved" in errors and REFUSAL in errors
    assert records(fresh_club) == []

    widget(at.number_input, FORCE.format(side="right", trial=1)).set_value(195.0)
    at = save(at)
    assert not at.exception, at.exception
    assert not at.error
    assert any("Saved the assessment of" in s.value for s in at.success)
    [document] = records(fresh_club)
    assert document["form"] == "assessment_session"
    assert document["athlete_id"] == fresh_club.member_athlete
    assert (document["assessor"], document["body_mass_kg"]) == ("Sam (physio)", 62.5)
    assert document["supersedes"] is None
    values = {
        (r["test"], r["measure"], r["side"], r["trial"]): r["value"] for r in document["results"]
    }
    assert values[("hip_abduction_hhd", "force_n", "right", 1)] == 195.0
    assert values[("hip_abduction_hhd", "force_n", "left", 2)] == 188.5
    assert values[("single_leg_squat", "knee", "left", 1)] == "poor"
    # 3 forces + 2 lever arms + 2 modes + 2 positions + 10 squat ratings; empty trials left out
    assert len(document["results"]) == 19


def test_a_correction_supersedes_the_session_it_corrects(fresh_club: DashClub) -> None:
    at = fill(open_page(login(*COACH), "assessments"), fresh_club.member_athlete)
    widget(at.number_input, FORCE.format(side="right", trial=1)).set_value(195.0)
    at = save(at)
    [first] = records(fresh_club)
    picker = widget(at.selectbox, "Session")
    picker.set_value(first["entry_id"])
    run(at)
    assert widget(at.number_input, FORCE.format(side="right", trial=1)).value == 195.0
    widget(at.number_input, FORCE.format(side="right", trial=1)).set_value(199.0)
    at = save(at)
    assert not at.exception and not at.error
    assert any("Saved the correction" in s.value for s in at.success)
    second = next(d for d in records(fresh_club) if d["entry_id"] != first["entry_id"])
    assert second["supersedes"] == first["entry_id"]
    forces = {
        (r["side"], r["trial"]): r["value"] for r in second["results"] if r["measure"] == "force_n"
    }
    assert forces[("right", 1)] == 199.0


def test_members_cannot_open_the_assessment_form(club_env: DashClub) -> None:
    at = open_page(login(*MEMBER), "assessments")
    assert not at.exception
    assert any(NOT_AVAILABLE in e.value for e in at.error)
    assert not at.number_input


@pytest.mark.parametrize("page", ["assessments", "assessment_results"])
def test_coach_assessment_pages_render(club_env: DashClub, page: str) -> None:
    at = open_page(login(*COACH), page)
    assert not at.exception, at.exception
