"""Peak memory of ingestion and of the dashboard server at three club sizes, to show how each grows.

    .venv/bin/python -m benchmarks.memory           # 50, 150 and 500 athletes x 156 weeks
    .venv/bin/python -m benchmarks.memory --quick   # 5, 10 and 20 athletes x 26 weeks

Ingestion: the peak summed RSS of the whole first ingestion of the club (`run_ingest` in a fresh
process, with its parse workers), sampled every 0.2 s while each club is built (benchmarks.clubs
records it; a club built earlier reports the figure measured then). Dashboard: a fresh Streamlit
server on the club, sampled every 0.05 s while headless Chromium logs in as coach and visits every
coach page, then as member and visits every member page; the peak and the RSS after the visits are
reported. The last line is JSON; ratio_vs_baseline = ingestion peak at the largest size / smallest.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

import psutil

from benchmarks.browser import (
    COACH,
    MEMBER,
    chromium,
    dashboard_server,
    ensure_accounts,
    log_in,
    open_from_menu,
)
from benchmarks.clubs import BENCH_ROOT, QUICK_HISTORY, ClubSize, ensure_club, machine
from benchmarks.dashboard_queries import busiest_athlete
from benchmarks.process_memory import TreePeak, tree_rss_bytes

FULL_SIZES = (ClubSize(50, 156), ClubSize(150, 156), ClubSize(500, 156))
QUICK_SIZES = (ClubSize(5, 26), ClubSize(10, 26), QUICK_HISTORY)
COACH_PAGES = (
    "Strength adherence",
    "Injuries and health",
    "Pace trends",
    "Athlete",
    "Data health",
    "Club overview",
)
MEMBER_PAGES = ("My strength program", "My health check-ins", "My running")
# after each page's title: its queries, charts and tables (memory is measured, not time)
SETTLE_MS = {"full": 3000, "quick": 1000}


def club_home(size: ClubSize) -> Path:
    """The shared folder of a club of this size (the quick club keeps its name)."""
    if size == QUICK_HISTORY:
        return BENCH_ROOT / "quick-history"
    return BENCH_ROOT / f"mem-{size.athletes}x{size.weeks}"


def visit_every_page(browser, base: str, settle_ms: int) -> None:
    """Coach then member: log in and open every page from the menu."""
    for user, landing, pages in (
        (COACH, "club_overview", COACH_PAGES),
        (MEMBER, "my_trends", MEMBER_PAGES),
    ):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        log_in(page, base, user, landing, 1)
        for title in pages:
            open_from_menu(page, title, 0)
            page.wait_for_timeout(settle_ms)
        page.close()


def dashboard_memory(home: Path, settle_ms: int) -> dict:
    """Peak and settled RSS of a fresh dashboard server while every page is visited."""
    ensure_accounts(home, busiest_athlete(home))
    with dashboard_server(home) as (base, process), chromium() as browser:
        started_mb = tree_rss_bytes(psutil.Process(process.pid))[0] / 1024**2
        with TreePeak(process.pid) as peak:
            visit_every_page(browser, base, settle_ms)
        after_mb = tree_rss_bytes(psutil.Process(process.pid))[0] / 1024**2
    return {
        "server_started_rss_mb": round(started_mb, 1),
        "peak_rss_mb": round(peak.peak_mb, 1),
        "after_visits_rss_mb": round(after_mb, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5, 10 and 20 athletes x 26 weeks")
    args = parser.parse_args()
    print(f"machine: {json.dumps(machine())}", flush=True)
    rows = []
    for size in QUICK_SIZES if args.quick else FULL_SIZES:
        home = club_home(size)
        built = ensure_club(home, size)
        row = {
            "athletes": size.athletes,
            "weeks": size.weeks,
            "activity_files": built["activity_files"],
            "gps_points": built["gps_points"],
            "ingest_s": built["ingest_s"],
            "ingest_peak_rss_mb": built["ingest_peak_rss_mb"],
            "ingest_measured_at": built["built_at"],
            "serving_mb": round((home / "serving.duckdb").stat().st_size / 1024**2, 1),
            "dashboard": dashboard_memory(home, SETTLE_MS["quick" if args.quick else "full"]),
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
    small, large = rows[0], rows[-1]
    summary = {
        "benchmark": "memory",
        "sizes": [f"{r['athletes']}x{r['weeks']}" for r in rows],
        "activity_files": [r["activity_files"] for r in rows],
        "ingest_peak_rss_mb": [r["ingest_peak_rss_mb"] for r in rows],
        "dashboard_peak_rss_mb": [r["dashboard"]["peak_rss_mb"] for r in rows],
        "dashboard_after_visits_rss_mb": [r["dashboard"]["after_visits_rss_mb"] for r in rows],
        "files_ratio": round(large["activity_files"] / small["activity_files"], 1),
        "dashboard_ratio": round(
            large["dashboard"]["peak_rss_mb"] / small["dashboard"]["peak_rss_mb"], 2
        ),
        "date": date.today().isoformat(),
        "load_average": machine()["load_average"],
        "ratio_vs_baseline": round(large["ingest_peak_rss_mb"] / small["ingest_peak_rss_mb"], 2),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
