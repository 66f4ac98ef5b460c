"""Issue 18's form trends in headless Chromium on a copy of the demo club: FIT runs with running
dynamics written into one enrolled member's inbox (8 baseline weeks centred at 50% balance, then 5
program weeks at 52% left, then a wrist-only watch), ingested by the real pipeline; the member sees
their four form charts at 390 px with the pace band stated and the device change marked, the coach
sees them listed for persistent asymmetry with a link to the Assessments page, and another member
sees none of it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pytest

from benchmarks.browser import chart_traces, dashboard_server, drawn_charts, open_page, settle
from dashboard.accounts import auth
from pipelines.demo.fit_encoding import Message, fit_file
from pipelines.settings import load_settings
from tests.conftest import run_ingest
from tests.dashboard.test_browser import browser, log_in  # noqa: F401 (the browser fixture)

pytestmark = pytest.mark.browser

COACH = ("coach", "coach password 2026")
MEMBER = ("runner", "runner password 2026")
OTHER = ("other", "other password 2026")
FILE_ID = Message(0, "file_id", ("type", "time_created", "manufacturer", "product"))
RECORD = Message(1, "record", (
    "timestamp", "distance", "cadence", "stance_time", "stance_time_balance",
    "vertical_oscillation",
))  # fmt: skip
SESSION = Message(2, "session", (
    "start_time", "sport", "sub_sport", "total_elapsed_time", "total_timer_time",
    "total_distance",
))  # fmt: skip
SECONDS, SPEED = 900, 3.0  # 15 min at 3 m/s: 333.3 s/km, so every run is an easy run
FR965, FR55 = 4315, 3869  # garmin_product: Forerunner 965 (with a chest strap), Forerunner 55
BASELINE = [50.0] * 8  # % left, the 8 weeks before program week 1
PROGRAM = [52.0] * 5  # program weeks 1-5: 2 points left of 50, 5 weeks in a row
# by hand: baseline pace 333.3 s/km = 5:33 /km, +- 30 s/km = 5:03 to 6:03 /km
PACE_BAND = "5:03 /km to 6:03 /km"
NAMES = ("Cadence", "Ground contact time", "Ground contact balance", "Vertical oscillation")


def form_fit(start: datetime, balance: float | None, product: int, strides: float) -> bytes:
    """A 15-minute run at 3 m/s with cadence, ground contact time and balance, and oscillation."""
    seconds = np.arange(SECONDS + 1)
    at = start.timestamp() + seconds
    records = RECORD.pack(
        timestamp=at, distance=seconds * SPEED, cadence=strides, stance_time=250,
        stance_time_balance=0 if balance is None else balance, vertical_oscillation=85,
    )  # fmt: skip
    session = SESSION.pack(
        start_time=start.timestamp(), sport=1, sub_sport=0, total_elapsed_time=SECONDS,
        total_timer_time=SECONDS, total_distance=SECONDS * SPEED,
    )  # fmt: skip
    file_id = FILE_ID.pack(type=4, time_created=start.timestamp(), manufacturer=1, product=product)
    definitions = FILE_ID.definition + RECORD.definition + SESSION.definition
    return fit_file(definitions + file_id + records + session)


def write_runs(inbox: Path, program_start: date) -> None:
    """One run a week, Wednesdays 03:00 UTC (clear of the demo's own runs), from 8 weeks before
    program week 1: balance 50%, then 52% left, then a wrist-only watch (no balance)."""
    week_one = program_start - timedelta(days=program_start.weekday())
    weeks = [*BASELINE, *PROGRAM, None]
    for offset, balance in enumerate(weeks, start=-len(BASELINE)):
        day = week_one + timedelta(weeks=offset, days=2)
        start = datetime.combine(day, time(3, 0), tzinfo=UTC)
        product = FR55 if balance is None else FR965
        strides = 85 if offset < 0 else 88  # 170 steps/min in the baseline, 176 after
        data = form_fit(start, balance, product, strides)
        (inbox / f"form_{day.isoformat()}.fit").write_bytes(data)


@dataclass(frozen=True)
class Club:
    base: str
    member: str
    member_name: str


@pytest.fixture(scope="module")
def club(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Club]:
    home = tmp_path_factory.mktemp("form_flow") / "club"
    shutil.copytree(demo_home, home)
    settings = load_settings(home)
    with duckdb.connect(str(settings.serving), read_only=True) as con:
        (member, name, start), (other, _, _) = con.sql(
            """SELECT athlete_id, display_name, enrolment_start FROM mart_athletes
            WHERE enrolled ORDER BY athlete_id LIMIT 2"""
        ).fetchall()
    inbox = settings.inbox / member
    inbox.mkdir(parents=True, exist_ok=True)
    write_runs(inbox, start)
    outcome = run_ingest(settings)
    assert outcome.success, outcome.blocked_reason
    accounts = home / "accounts.json"
    auth.add_account(accounts, COACH[0], "coach", COACH[1])
    auth.add_account(accounts, MEMBER[0], "member", MEMBER[1], athlete_id=member)
    auth.add_account(accounts, OTHER[0], "member", OTHER[1], athlete_id=other)
    with dashboard_server(home, home / "streamlit.log") as (base, _):
        yield Club(base, member, name)


def form_charts(page) -> dict[str, dict]:
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    settle(page)
    drawn = [c for c in drawn_charts(page) if "weekly median" in c["title"]]
    return {name: c for c in drawn for name in NAMES if f"{name}:" in c["title"]}


def test_member_sees_form_against_baseline_with_band_and_device_change(
    club: Club,
    browser,  # noqa: F811
) -> None:
    member = browser.new_page(viewport={"width": 390, "height": 844})
    log_in(member, club.base, MEMBER)
    text = open_page(member, "My running form")
    assert PACE_BAND in text and "± 30 s/km" in text
    assert "the 8 weeks before the strength program started" in text
    assert "Luedke 2016" in text
    charts = form_charts(member)
    assert sorted(charts) == sorted(NAMES)
    for chart in charts.values():
        assert chart["marks"] > 0 and chart["width"] <= 390
        assert "device changed (dotted line)" in chart["legend"]
    traces = {t["name"]: t for t in chart_traces(member, "Ground contact balance")}
    assert traces["Weekly median"]["y"] == pytest.approx(BASELINE + PROGRAM)  # wrist week: empty
    cadence = {t["name"]: t for t in chart_traces(member, "Cadence")}
    assert cadence["Weekly median"]["y"] == pytest.approx([170.0] * 8 + [176.0] * 6)
    assert "Baseline median (170 steps/min)" in cadence
    assert "Strength sessions per week" in " ".join(c["title"] for c in drawn_charts(member))
    member.close()


def test_coach_sees_persistent_asymmetry_linked_to_assessments(
    club: Club,
    browser,  # noqa: F811
) -> None:
    coach = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(coach, club.base, COACH)
    text = open_page(coach, "Running form")
    # program weeks 1-5 at 52.0% left: 2 points from 50, more than 1.5, for 5 weeks, the last
    # week with balance (the wrist-only week has none), so ongoing
    assert f"{club.member_name}: 5 weeks from" in text and "(ongoing)" in text
    assert "52.0% left" in text
    charts = form_charts(coach)
    assert charts["Ground contact balance"]["marks"] > 0
    coach.get_by_role("link", name="Assessments →").first.click()
    coach.locator("h1").filter(has_text="Assessments").first.wait_for(timeout=30_000)
    coach.close()


def test_another_member_sees_no_form_of_the_member(club: Club, browser) -> None:  # noqa: F811
    other = browser.new_page(viewport={"width": 390, "height": 844})
    log_in(other, club.base, OTHER)
    text = open_page(other, "My running form")
    assert "No runs with running dynamics yet" in text
    assert club.member_name not in text
    assert not chart_traces(other, "Ground contact balance")
    other.close()
