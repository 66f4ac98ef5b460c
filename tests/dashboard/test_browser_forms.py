"""The check-in and follow-up flow end to end, in headless Chromium on a copy of the demo club: a
member answers this week's check-in with a knee problem, the inbox sensor starts the run, the member
sees the answer in the chart; the coach classifies the problem in the follow-up queue; the member sees
the classification; a second member sees none of it on any page or in any download."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
import pytest

from benchmarks.browser import (
    answer_checkin,
    close_sidebar,
    dashboard_server,
    open_page,
    settle,
    severity_chart_point,
)
from dashboard.accounts import auth
from pipelines.defs import build_definitions
from pipelines.settings import Settings, Thresholds, checkin_week, load_settings
from tests.conftest import run_ingest
from tests.dashboard.test_browser import browser, log_in  # noqa: F401 (the browser fixture)

pytestmark = pytest.mark.browser

COACH = ("coach", "coach password 2026")
MEMBER = ("runner", "runner password 2026")
OTHER = ("other", "other password 2026")
DIAGNOSIS = "Patellar tendinopathy, left"
REPORTED = "Outside of the left knee aches after 5 km"
# answer_checkin's problem area: Q1 reduced participation 17 + Q2 moderate 17 + Q3 minor 8 + Q4
# moderate pain 17
KNEE_SEVERITY = 59


@dataclass(frozen=True)
class Club:
    settings: Settings
    base: str
    member: str
    member_name: str
    other: str
    due_week: str


def sensor_run(settings: Settings, cursor: str | None) -> tuple[bool, str | None]:
    """Evaluate the real inbox sensor; when it asks for a run, run that job. Returns (ran, cursor)."""
    defs = build_definitions(settings)
    sensor = defs.resolve_sensor_def("inbox_sensor")
    result = sensor(dg.build_sensor_context(cursor=cursor))
    if not isinstance(result, dg.SensorResult):
        return False, cursor
    assert [r.job_name for r in result.run_requests] in ([None], ["ingest"])
    outcome = run_ingest(settings)
    assert outcome.success, outcome.blocked_reason
    return True, result.cursor


@pytest.fixture(scope="module")
def club(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Club]:
    home = tmp_path_factory.mktemp("forms_flow") / "club"
    shutil.copytree(demo_home, home)  # the whole club: inbox, club files, raw archive, warehouse
    settings = load_settings(home)
    with duckdb.connect(str(settings.serving), read_only=True) as con:
        roster = con.sql(
            "select athlete_id, display_name, time_zone from mart_athletes order by athlete_id"
        ).fetchall()
        answered = set(con.sql("select athlete_id, week_start from mart_checkin_weeks").fetchall())
    now = datetime.now(UTC)
    due = {a: checkin_week(now.astimezone(ZoneInfo(z)).date(), Thresholds()) for a, _, z in roster}
    open_ = [(a, n) for a, n, _ in roster if (a, due[a]) not in answered]
    (member, name), (other, _) = open_[0], open_[1]
    accounts = home / "accounts.json"
    auth.add_account(accounts, COACH[0], "coach", COACH[1])
    auth.add_account(accounts, MEMBER[0], "member", MEMBER[1], athlete_id=member)
    auth.add_account(accounts, OTHER[0], "member", OTHER[1], athlete_id=other)
    with dashboard_server(home, home / "streamlit.log") as (base, _):
        yield Club(settings, base, member, name, other, due[member].isoformat())


def downloads(page) -> list[str]:
    """The contents of every download button on the page."""
    contents = []
    for button in page.locator('[data-testid="stDownloadButton"] button').all():
        with page.expect_download() as info:
            button.click()
        contents.append(Path(info.value.path()).read_text())
    return contents


def report_problems(club: Club, member) -> None:
    """Send a problem report from My health check-ins: refused without a description (nothing
    written, the answers kept), then sent with one; and a report with a description over the
    500 characters the form allows, written by another client, which the run rejects."""
    forms = club.settings.member_forms(club.member)
    before = set(forms.glob("injury_report-*.json"))  # the demo member's own earlier reports
    open_page(member, "My health check-ins")
    close_sidebar(member)
    member.get_by_text("Report a problem").click()
    member.get_by_text("Suddenly (a specific moment)").click()
    member.get_by_role("button", name="Send report").click()
    member.get_by_text("Nothing was sent").wait_for(timeout=30_000)
    assert set(forms.glob("injury_report-*.json")) == before
    member.get_by_label("What happened? (a sentence is enough)").fill(REPORTED)
    member.get_by_role("button", name="Send report").click()
    member.get_by_text("Report received").wait_for(timeout=30_000)
    [sent] = set(forms.glob("injury_report-*.json")) - before
    document = json.loads(sent.read_text())
    assert (document["description"], document["onset"]) == (REPORTED, "sudden")
    # the form is folded away and empty again for the next report
    member.get_by_text("Report a problem").click()
    assert member.get_by_label("What happened? (a sentence is enough)").input_value() == ""
    old_client = document | {"entry_id": "0" * 32, "description": "It hurts. " * 60}
    (forms / "injury_report-old-client.json").write_text(json.dumps(old_client))


def test_checkin_report_follow_up_and_privacy(club: Club, browser) -> None:  # noqa: F811
    ran, cursor = sensor_run(club.settings, None)  # the demo's own files: nothing new to run
    ran, cursor = sensor_run(club.settings, cursor)
    assert not ran

    member = browser.new_page(viewport={"width": 390, "height": 844})
    log_in(member, club.base, MEMBER)
    member.locator("h1").filter(has_text="Weekly check-in").wait_for(timeout=30_000)
    # half way through, a look at another page: the answers given so far are still there after
    first = member.get_by_role("radio", name="Full participation without hip/groin problems")
    first.check(force=True)
    settle(member)
    open_page(member, "My running")
    open_page(member, "Weekly check-in")
    close_sidebar(member)
    assert member.get_by_role(
        "radio", name="Full participation without hip/groin problems"
    ).is_checked()
    answer_checkin(member, problem_area="knee")
    member.get_by_text("Received").wait_for(timeout=30_000)
    assert "You reported a problem in: Knee" in member.inner_text("body")

    report_problems(club, member)

    ran, cursor = sensor_run(club.settings, cursor)  # the new entries start the run
    assert ran
    open_page(member, "Weekly check-in")  # away and back: the page reads the new publication
    open_page(member, "My health check-ins")
    member.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    assert severity_chart_point(member, club.due_week) == KNEE_SEVERITY
    member.get_by_text("Not classified by the coach yet").first.wait_for(timeout=30_000)
    member.get_by_text(REPORTED).wait_for(timeout=30_000)
    # the report the run could not use says why and what to do, instead of "received" for ever
    refused = member.locator('[data-testid="stAlertContentWarning"]').filter(
        has_text="could not be used"
    )
    assert "the description is over 500 characters" in refused.inner_text()
    assert "submit it again from the app" in refused.inner_text()

    coach = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(coach, club.base, COACH)
    open_page(coach, "Follow-up")
    picker = coach.get_by_role("combobox", name="Classify a problem")
    picker.click()
    picker.press_sequentially(f"{club.member_name}: Knee")
    coach.get_by_role("option").filter(has_text=f"{club.member_name}: Knee").first.click()
    settle(coach)
    coach.get_by_label("Diagnosis (in words)").fill(DIAGNOSIS)
    coach.get_by_label("Time-loss days (no running at all)").fill("2")
    coach.get_by_text("Seen by a health professional").click()
    coach.get_by_role("button", name="Save classification").click()
    coach.get_by_text(f"Saved for {club.member_name}").wait_for(timeout=30_000)

    ran, cursor = sensor_run(club.settings, cursor)
    assert ran
    open_page(member, "Weekly check-in")  # away and back: the page reads the new publication
    open_page(member, "My health check-ins")
    member.get_by_text(f"Injury, {DIAGNOSIS}; 2 day(s) without running").wait_for(timeout=30_000)

    other = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(other, club.base, OTHER)
    for title in (
        "Weekly check-in",
        "My running",
        "My running form",
        "My strength program",
        "My strength progress",
        "My health check-ins",
    ):
        text = open_page(other, title)
        assert DIAGNOSIS not in text and club.member_name not in text, title
        for content in downloads(other):
            assert DIAGNOSIS not in content and club.member not in content, title
    for page in (member, coach, other):
        page.close()
