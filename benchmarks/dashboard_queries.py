"""Dashboard query latency: every public function of dashboard.data, as coach and as member.

    .venv/bin/python -m benchmarks.dashboard_queries           # the shared large club, 50 repetitions
    .venv/bin/python -m benchmarks.dashboard_queries --quick   # the 20-athlete club, 10 repetitions
    .venv/bin/python -m benchmarks.dashboard_queries --home DIR --functions club_weekly,athletes

Each function is called with no date filter (the whole history: the most rows a page can ask for);
one that reads a single assessment test is called with the test that has the most latest values. In
two ways. `miss`: Streamlit's query cache is cleared before every call, so the call pays what a
first page view pays (the query on the serving version's open connection, which the version's
first query opened, the polars frame, and the cache storing it). `raw`: the cached wrapper is
bypassed (`_cached_select.__wrapped__`), so only the query and frame are timed. Club-wide
functions refuse members, so they are timed as coach only. cpu_p50_ms is the process's CPU time per call, which other jobs on a busy machine
inflate far less than the wall-clock figures. The last line is JSON; ratio_vs_baseline = worst p95
(miss) / the 100 ms target.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from benchmarks.clubs import BENCH_ROOT, LARGE, QUICK_HISTORY, ensure_club, machine

TARGET_P95_MS = 100.0
EITHER_ROLE = ("serving_status", "metric_settings", "data_period")


def _first_value(home: Path, sql: str) -> str:
    """The first value a query returns from the club's serving file."""
    import duckdb

    con = duckdb.connect(str(home / "serving.duckdb"), read_only=True)
    try:
        return con.sql(sql).fetchall()[0][0]
    finally:
        con.close()


def busiest_athlete(home: Path) -> str:
    """The athlete with the most runs: the member whose pages read the most rows."""
    return _first_value(
        home,
        "select athlete_id from mart_athlete_runs group by 1 order by count(*) desc, 1 limit 1",
    )


def busiest_test(home: Path) -> str:
    """The assessment test with the most latest values: the one whose page reads the most rows."""
    return _first_value(
        home,
        "select test from mart_assessment_results group by 1 "
        "order by count(distinct (athlete_id, measure, side)) desc, 1 limit 1",
    )


def calls(athlete_id: str, test: str) -> list[tuple[str, str, Callable[[], object]]]:
    """(function, role, call) for every public query function and every role allowed to call it."""
    from dashboard import data
    from dashboard.accounts.viewer import Viewer

    coach = Viewer("coach", "coach", None)
    member = Viewer("member", "member", athlete_id)
    functions = [
        name
        for name in data.__all__
        if callable(getattr(data, name)) and not isinstance(getattr(data, name), type)
    ]
    # the functions that take the athlete a coach chooses (an `athlete_id` parameter, in any module
    # of dashboard.data); members call them too
    per_athlete = [
        n
        for n in functions
        if n not in EITHER_ROLE and "athlete_id" in inspect.signature(getattr(data, n)).parameters
    ]
    club = [n for n in functions if n not in per_athlete and n not in EITHER_ROLE]
    found: list[tuple[str, str, Callable[[], object]]] = []
    for name in sorted(club):
        function = getattr(data, name)
        if "test" in inspect.signature(function).parameters:
            found.append((name, "coach", lambda f=function: f(coach, test=test)))
        else:
            found.append((name, "coach", lambda f=function: f(coach)))
    for name in per_athlete + list(EITHER_ROLE):
        function = getattr(data, name)
        if name in ("serving_status", "metric_settings"):
            found.append((name, "coach", lambda f=function: f(coach)))
        else:
            found.append((name, "coach", lambda f=function: f(coach, athlete_id=athlete_id)))
        found.append((name, "member", lambda f=function: f(member)))
    return found


@contextmanager
def cache_bypassed() -> Iterator[None]:
    """Route every query past Streamlit's cache for the duration (the uncached query itself)."""
    from dashboard.data import serving

    cached = serving._cached_select
    serving._cached_select = cached.__wrapped__
    try:
        yield
    finally:
        serving._cached_select = cached


def _rows(result: object) -> int | None:
    return getattr(result, "height", None)


def time_call(call: Callable[[], object], repetitions: int, clear: Callable[[], None]) -> dict:
    """p50 and p95 in milliseconds over `repetitions` calls, clearing the cache before each, and
    the median CPU time of this process per call (every thread's; it counts the call's own work,
    not the time spent waiting for the CPU when other jobs load the machine)."""
    result = call()  # warm-up: imports and the first open of the file
    times, cpu = [], []
    for _ in range(repetitions):
        clear()
        started, cpu_started = time.perf_counter(), time.process_time()
        call()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    quantiles = statistics.quantiles(times, n=20, method="inclusive")
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(quantiles[-1], 1),
        "max_ms": round(max(times), 1),
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "rows": _rows(result),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the 20-athlete club, 10 repetitions")
    parser.add_argument("--repetitions", type=int, help="calls per function and role")
    parser.add_argument("--home", type=Path, help="another published club folder to query")
    parser.add_argument(
        "--functions", help="only these query functions, comma-separated (default: every one)"
    )
    args = parser.parse_args()
    repetitions = args.repetitions or (10 if args.quick else 50)
    if args.home:
        home, size = args.home, {"athletes": None, "weeks": None}
    else:
        home = BENCH_ROOT / ("quick-history" if args.quick else "large")
        size = ensure_club(home, QUICK_HISTORY if args.quick else LARGE)
    print(f"machine: {json.dumps(machine())}", flush=True)
    os.environ["STRONGSTRIDE_HOME"] = str(home)  # dashboard.config reads it on every call
    from dashboard.data import serving

    athlete_id = busiest_athlete(home)
    test = busiest_test(home)
    results = []
    chosen = set(args.functions.split(",")) if args.functions else None
    for name, role, call in calls(athlete_id, test):
        if chosen is not None and name not in chosen:
            continue
        miss = time_call(call, repetitions, serving._cached_select.clear)
        with cache_bypassed():
            raw = time_call(call, repetitions, lambda: None)
        results.append({"function": name, "role": role, "miss": miss, "raw": raw})
        print(f"{name:24} {role:6} miss {json.dumps(miss)} raw {json.dumps(raw)}", flush=True)
    worst = max(results, key=lambda r: r["miss"]["p95_ms"])
    over = [
        f"{r['function']} ({r['role']})" for r in results if r["miss"]["p95_ms"] > TARGET_P95_MS
    ]
    summary = {
        "benchmark": "dashboard_queries",
        "club_athletes": size.get("athletes"),
        "club_weeks": size.get("weeks"),
        "member_athlete": athlete_id,
        "assessment_test": test,
        "functions": len({r["function"] for r in results}),
        "measurements": len(results),
        "repetitions": repetitions,
        "worst_p95_ms": worst["miss"]["p95_ms"],
        "worst_function": f"{worst['function']} ({worst['role']})",
        "worst_raw_p95_ms": max(r["raw"]["p95_ms"] for r in results),
        "median_p95_ms": statistics.median(r["miss"]["p95_ms"] for r in results),
        "over_target": over,
        "target_p95_ms": TARGET_P95_MS,
        "target_met": not over,
        "date": date.today().isoformat(),
        "load_average": machine()["load_average"],
        "ratio_vs_baseline": round(worst["miss"]["p95_ms"] / TARGET_P95_MS, 2),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
