"""Issue 18's strength progression pages in headless Chromium on a copy of the demo club: a member's
"My strength progress" draws their hip thrust's estimated 1RM per session (checked against Epley worked out
here from the raw logged sets) and their weekly sets by exercise group at phone width; the coach's
"Strength progression" draws the members x weeks states beside adherence and the ready list."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from benchmarks.browser import (
    chart_traces,
    close_sidebar,
    dashboard_server,
    drawn_charts,
    open_page,
    settle,
)
from dashboard.accounts import auth
from pipelines.settings import Settings, load_settings
from tests.dashboard.test_browser import browser, log_in  # noqa: F401 (the browser fixture)
from tests.dashboard.test_browser_assessments import choose
from tests.dashboard.test_browser_forms import downloads

pytestmark = pytest.mark.browser

COACH = ("coach", "coach password 2026")
MEMBER = ("lifter", "lifter password 2026")
EXERCISE = "Hip thrust"
E1RM_TITLE = f"{EXERCISE}: estimated 1RM (Epley), kg per session"
GROUPS_TITLE = "Working sets per week by exercise group"
HEATMAP_TITLE = "Progression state (left) beside session adherence (right)"


@dataclass(frozen=True)
class Club:
    settings: Settings
    base: str
    member: str


@pytest.fixture(scope="module")
def club(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Club]:
    home = tmp_path_factory.mktemp("strength_pages") / "club"
    shutil.copytree(demo_home, home)
    settings = load_settings(home)
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        # the member who logged the most hip thrust sessions
        [(member,)] = con.sql(
            """SELECT athlete_id FROM strength_sets WHERE exercise_id = 'hip_thrust'
            GROUP BY athlete_id ORDER BY count(DISTINCT session_id) DESC, athlete_id LIMIT 1"""
        ).fetchall()
    accounts = home / "accounts.json"
    auth.add_account(accounts, COACH[0], "coach", COACH[1])
    auth.add_account(accounts, MEMBER[0], "member", MEMBER[1], athlete_id=member)
    with dashboard_server(home, home / "streamlit.log") as (base, _):
        yield Club(settings, base, member)


def epley_per_session(settings: Settings, athlete_id: str) -> list[float]:
    """The best Epley estimate, load x (1 + reps / 30), of each hip thrust session from the logged
    sets themselves: working sets (no warm-ups) of 1 to 10 reps with a load, sessions in order."""
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        sets = con.sql(
            """SELECT session_start_utc, session_id, set_type, reps, load_kg FROM strength_sets
            WHERE athlete_id = ? AND exercise_id = 'hip_thrust' ORDER BY session_start_utc""",
            params=[athlete_id],
        ).fetchall()
    best: dict[tuple, float] = {}
    for start, session, set_type, reps, load in sets:
        if set_type == "warmup" or not load or load <= 0 or reps is None or not 1 <= reps <= 10:
            continue
        best[(start, session)] = max(best.get((start, session), 0.0), load * (1 + reps / 30))
    return [best[key] for key in sorted(best)]


def test_member_strength_page_draws_their_progress_at_phone_width(club: Club, browser) -> None:  # noqa: F811
    member = browser.new_page(viewport={"width": 390, "height": 844})
    log_in(member, club.base, MEMBER)
    text = open_page(member, "My strength progress")
    assert "estimated 1RM (Epley" in text and "Where each exercise stands" in text
    close_sidebar(member)
    choose(member, "Exercise", EXERCISE)
    member.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    settle(member)
    drawn = drawn_charts(member)
    for title in (E1RM_TITLE, GROUPS_TITLE):
        [chart] = [c for c in drawn if title in c["title"]]
        assert chart["marks"] > 0 and chart["width"] <= 390, title
    [line] = [t for t in chart_traces(member, E1RM_TITLE) if t["name"] == "all sessions"]
    expected = epley_per_session(club.settings, club.member)
    assert len(expected) >= 3
    assert line["y"] == pytest.approx(expected)
    body = member.inner_text("body")
    assert f"{EXERCISE} is " in body  # the state in words
    for content in downloads(member):  # only the member's own rows
        athletes = {line.split(",")[0] for line in content.splitlines()[1:]}
        assert athletes == {club.member}
    member.close()


def test_coach_strength_page_draws_states_beside_adherence(club: Club, browser) -> None:  # noqa: F811
    coach = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(coach, club.base, COACH)
    open_page(coach, "Strength progression")
    coach.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    # the list comes after the charts: on a loaded machine the page's text read as it opened
    # could end before it
    coach.get_by_text("Ready to progress: suggestions").first.wait_for(timeout=30_000)
    settle(coach)
    text = coach.inner_text("body")
    [heatmap] = [c for c in drawn_charts(coach) if HEATMAP_TITLE in c["title"]]
    assert heatmap["marks"] >= 2  # the state and adherence heatmaps
    legend = {t["name"] for t in chart_traces(coach, HEATMAP_TITLE)}
    assert {"progressing", "flat", "regressing"} <= legend
    assert "Ready to progress: suggestions" in text and "the coach decides" in text
    coach.close()
