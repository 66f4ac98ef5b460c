"""From the click on 'Send my check-in' to the answer drawn in the member's chart, on the demo club
with the Dagster daemon running (issue 14; target 90 s).

    .venv/bin/python -m benchmarks.form_latency           # the demo club (40 athletes, 52 weeks)
    .venv/bin/python -m benchmarks.form_latency --quick   # a 12-athlete, 8-week demo club

A demo club is generated and ingested once (kept under /tmp/strongstride-bench), then copied for the
run, so every run starts from the same club with this week's check-in unanswered. The club's Dagster
daemon runs the real inbox sensor and launches the ingest run as in production (`make demo`); a
Streamlit server serves the dashboard; Debian's Chromium logs a member in, answers the check-in with
a problem in one area and clicks send (t0), then opens 'My health check-ins' every few seconds until
the member's OSTRC chart draws a bar for the week with the answer's severity (t1). The run's own
start and end times, from the club's Dagster instance, split the wait into the sensor's pick-up, the
run and the page. The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb

from benchmarks.browser import (
    MEMBER,
    answer_checkin,
    chromium,
    dashboard_server,
    ensure_accounts,
    open_page,
    severity_chart_point,
)
from benchmarks.clubs import BENCH_ROOT, machine
from pipelines.cli.main import running_daemon
from pipelines.run import club_instance, run_ingest
from pipelines.settings import Thresholds, checkin_week, load_settings

TARGET_S = 90.0
SEVERITY = 59  # answer_checkin's problem area: 17 + 17 + 8 + 17
POLL_S = 3.0
GIVE_UP_S = 600.0
SIZES = {"quick": (12, 8), "full": (40, 52)}


def pristine_club(athletes: int, weeks: int) -> Path:
    """A generated and ingested demo club, built once and kept."""
    from pipelines.demo.generate import generate_demo_club

    home = BENCH_ROOT / f"form_latency_{athletes}x{weeks}"
    done = home / "BUILT"
    if not done.exists():
        shutil.rmtree(home, ignore_errors=True)
        generate_demo_club(home, athletes=athletes, weeks=weeks)
        with dg.DagsterInstance.ephemeral() as instance:
            assert run_ingest(load_settings(home), instance=instance).success
        done.write_text(datetime.now(UTC).isoformat())
    return home


def open_member(home: Path) -> tuple[str, str]:
    """A member whose due week is unanswered, and that week (Monday, ISO)."""
    with duckdb.connect(str(home / "serving.duckdb"), read_only=True) as con:
        roster = con.sql("select athlete_id, time_zone from mart_athletes order by 1").fetchall()
        answered = set(con.sql("select athlete_id, week_start from mart_checkin_weeks").fetchall())
    now = datetime.now(UTC)
    for athlete, zone in roster:
        week = checkin_week(now.astimezone(ZoneInfo(zone)).date(), Thresholds())
        if (athlete, week) not in answered:
            return athlete, week.isoformat()
    raise SystemExit("every member has answered this week's check-in: nothing to time")


def wait_for_idle(home: Path, give_up_s: float = 300) -> None:
    """Wait until the daemon's inbox sensor has ticked (it holds a cursor) and no run is going."""
    settings = load_settings(home)
    deadline = time.monotonic() + give_up_s
    while time.monotonic() < deadline:
        with club_instance(settings) as instance:
            sensor = [s for s in instance.all_instigator_state() if s.name == "inbox_sensor"]
            ticked = bool(sensor and sensor[0].instigator_data and sensor[0].instigator_data.cursor)
            idle = all(run.is_finished for run in instance.get_runs())
        if ticked and idle:
            return
        time.sleep(1)
    raise SystemExit("the daemon's inbox sensor did not tick within 5 minutes")


def run_after(home: Path, moment: float) -> tuple[float, float] | None:
    """Start and end (epoch seconds) of the first run started after `moment`, once it has ended."""
    with club_instance(load_settings(home)) as instance:
        records = [r for r in instance.get_run_records() if r.start_time and r.end_time]
    later = sorted((r.start_time, r.end_time) for r in records if r.start_time >= moment)
    return later[0] if later else None


def measure(athletes: int, weeks: int) -> dict:
    pristine = pristine_club(athletes, weeks)
    home = BENCH_ROOT / "form_latency_run"
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(pristine, home)
    athlete, week = open_member(home)
    ensure_accounts(home, athlete)
    settings = load_settings(home)
    with (
        running_daemon(settings),
        dashboard_server(home, home / "streamlit.log") as (base, _),
        chromium() as browser,
    ):
        wait_for_idle(home)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(base)
        page.get_by_role("textbox", name="Username").fill(MEMBER[0])
        page.get_by_role("textbox", name="Password").fill(MEMBER[1])
        page.get_by_role("button", name="Log in").click()
        page.locator("h1").filter(has_text="Weekly check-in").wait_for(timeout=60_000)
        clicked = answer_checkin(page, problem_area="knee")
        clicked_epoch = time.time()
        page.get_by_text("Received").wait_for(timeout=30_000)
        received_s = time.perf_counter() - clicked
        seen = None
        while time.perf_counter() - clicked < GIVE_UP_S:
            open_page(page, "My health check-ins")
            page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
            if severity_chart_point(page, week) == SEVERITY:
                seen = time.perf_counter() - clicked
                break
            time.sleep(POLL_S)
            open_page(page, "Weekly check-in")
        run = run_after(home, clicked_epoch)
    if seen is None:
        raise SystemExit(f"the answer did not show within {GIVE_UP_S:.0f} s")
    return {
        "submit_to_chart_s": round(seen, 1),
        "submit_to_received_s": round(received_s, 2),
        "sensor_pickup_s": round(run[0] - clicked_epoch, 1) if run else None,
        "run_s": round(run[1] - run[0], 1) if run else None,
        "poll_interval_s": POLL_S,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 12-athlete, 8-week demo club")
    args = parser.parse_args()
    athletes, weeks = SIZES["quick" if args.quick else "full"]
    figures = measure(athletes, weeks)
    result = {
        "benchmark": "form_latency",
        "club": f"demo {athletes} athletes x {weeks} weeks",
        **figures,
        "target_s": TARGET_S,
        "ratio_vs_target": round(figures["submit_to_chart_s"] / TARGET_S, 2),
        "machine": machine(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
