"""Page load in headless Chromium: club overview (coach) and My running (member), to charts drawn.

    .venv/bin/python -m benchmarks.page_load           # the shared large club, 5 loads of each page
    .venv/bin/python -m benchmarks.page_load --quick   # the 20-athlete club, 2 loads of each page

A real Streamlit server and Debian's Chromium (through Playwright). Each user logs in once (timed
from pressing 'Log in' to the landing page's charts drawn, on a freshly started server), then opens
the page from the menu, coming from another page: timed from the click to the first plotly chart
visible (`first_chart`) and to every chart of the page visible (`all_charts`). `cold` loads follow a touch of serving.duckdb, which changes the stamp in the query cache's
key so that every query of the page runs again, as after a nightly publish; `warm` loads reuse the
cache. The last line is JSON; ratio_vs_baseline = slowest cold `all_charts` / the 2 s target.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
from datetime import date
from pathlib import Path

from benchmarks.browser import (
    COACH,
    MEMBER,
    chromium,
    dashboard_server,
    ensure_accounts,
    log_in,
    open_from_menu,
)
from benchmarks.clubs import BENCH_ROOT, LARGE, QUICK_HISTORY, ensure_club, machine
from benchmarks.dashboard_queries import busiest_athlete

TARGET_S = 2.0
# (user, landing path, page to time and its charts, page to come from and its charts)
JOURNEYS = {
    "club_overview": (COACH, "club_overview", ("Club overview", 1), ("Pace trends", 2)),
    "my_running": (MEMBER, "my_trends", ("My running", 4), ("Upload files", 0)),
}


def _touch(path: Path) -> None:
    os.utime(path)


def journey(browser, base: str, serving: Path, name: str, loads: int) -> dict:
    """Log in once, then time `loads` cold and `loads` warm openings of the page from the menu."""
    user, landing, target, origin = JOURNEYS[name]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    login_s = log_in(page, base, user, landing, target[1])
    cold, warm = [], []
    for _ in range(loads):
        open_from_menu(page, *origin)
        _touch(serving)
        cold.append(open_from_menu(page, *target))
        open_from_menu(page, *origin)
        warm.append(open_from_menu(page, *target))
    page.close()

    def summary(times: list[tuple[float, float]]) -> dict:
        return {
            f"{part}_{stat}_s": round(fn(t[index] for t in times), 2)
            for index, part in enumerate(("first_chart", "all_charts"))
            for stat, fn in (("median", statistics.median), ("max", max))
        }

    return {"login_to_charts_s": round(login_s, 2), "cold": summary(cold), "warm": summary(warm)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the 20-athlete club, 2 loads each")
    parser.add_argument("--loads", type=int, help="cold and warm loads of each page")
    args = parser.parse_args()
    loads = args.loads or (2 if args.quick else 5)
    home = BENCH_ROOT / ("quick-history" if args.quick else "large")
    size = ensure_club(home, QUICK_HISTORY if args.quick else LARGE)
    print(f"machine: {json.dumps(machine())}", flush=True)
    ensure_accounts(home, busiest_athlete(home))
    results = {}
    with dashboard_server(home) as (base, _), chromium() as browser:
        for name in JOURNEYS:
            results[name] = journey(browser, base, home / "serving.duckdb", name, loads)
            print(f"{name}: {json.dumps(results[name])}", flush=True)
    worst = max(r["cold"]["all_charts_max_s"] for r in results.values())
    summary = {
        "benchmark": "page_load",
        "club_athletes": size["athletes"],
        "club_weeks": size["weeks"],
        "loads": loads,
        **{
            f"{name}_{kind}_{part}_s": r[kind][f"{part}_median_s"]
            for name, r in results.items()
            for kind in ("cold", "warm")
            for part in ("first_chart", "all_charts")
        },
        **{f"{name}_login_to_charts_s": r["login_to_charts_s"] for name, r in results.items()},
        "worst_cold_all_charts_s": worst,
        "target_s": TARGET_S,
        "target_met": worst < TARGET_S,
        "date": date.today().isoformat(),
        "load_average": machine()["load_average"],
        "ratio_vs_baseline": round(worst / TARGET_S, 2),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
