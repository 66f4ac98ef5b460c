"""One measured ingestion of a club folder, run in a fresh process so its memory and CPU are its own.

`python -m benchmarks.ingest_stages ingest HOME WORKERS` runs the pipeline's own ingestion functions
(archive, register, roster, parse + clean + insert, duplicates); `... dagster HOME WORKERS` runs the
whole Dagster job (`pipelines.run.run_ingest`: ingestion, SQL models, checks, publish). Either prints
one JSON line: wall seconds per stage, CPU seconds of this process and its reaped workers (after
this process's own imports), and peak RSS figures.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path

from pipelines.settings import Settings, load_settings
from pipelines.warehouse import connect


def _cpu_s() -> float:
    """CPU seconds (user + system) of this process and of its children that have ended."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def ingest_only(settings: Settings) -> dict:
    """The ingestion functions the `raw_archive`, `club_reference` and `activities` assets call."""
    # Imported here, not at the top: spawned parse workers re-import this (main) module, and a real
    # run's workers import only what `parse_batch` needs, not the club loader's scipy.
    from pipelines.ingest.activities import (
        Backlog,
        BatchLoader,
        limit_load_memory,
        mark_duplicates,
        run_parsing,
    )
    from pipelines.ingest.club import install_defaults, load_club_reference
    from pipelines.ingest.inbox import scan_and_archive
    from pipelines.ingest.registry import record_outcomes

    stages: dict[str, float] = {}
    cpu_before = _cpu_s()
    started = last = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        stages[name] = round(now - last, 3)
        last = now

    install_defaults(settings)
    loading = 0.0
    with connect(settings.warehouse) as con:
        scan_and_archive(con, settings)
        lap("archive_s")
        load_club_reference(con, settings)
        lap("roster_s")
        limit_load_memory(con)  # as the `activities` asset does
        backlog = Backlog(con, settings, ["activity"])
        record_outcomes(con, backlog.rejected())

        with BatchLoader(con, backlog) as loader:

            def load(batch) -> None:
                nonlocal loading
                begin = time.perf_counter()
                loader(batch)
                loading += time.perf_counter() - begin

            run_parsing(backlog, settings, load)
        lap("parse_clean_insert_s")
        mark_duplicates(con)
        lap("duplicates_s")
        counts = con.sql(
            "select (select count(*) from files where status = 'ingested' and kind = 'activity'), "
            "(select coalesce(sum(n_points), 0) from activities), "
            "(select count(*) from activity_samples)"
        ).fetchall()[0]
    stages["of_which_insert_s"] = round(loading, 3)
    return {
        "seconds": round(time.perf_counter() - started, 3),
        "cpu_s": round(_cpu_s() - cpu_before, 3),
        "stages": stages,
        "files_ingested": counts[0],
        "points_in_activities": int(counts[1]),
        "sample_rows": counts[2],
    }


def whole_run(settings: Settings) -> dict:
    """The whole Dagster job in this process, as `strongstride ingest` runs it."""
    from pipelines.run import run_ingest  # dagster is imported only for this stage

    cpu_before = _cpu_s()
    started = time.perf_counter()
    outcome = run_ingest(settings)
    seconds = time.perf_counter() - started
    cpu_s = _cpu_s() - cpu_before
    with connect(settings.warehouse, read_only=True) as con:
        files, points = con.sql(
            "select (select count(*) from files where status = 'ingested' and kind = 'activity'), "
            "(select coalesce(sum(n_points), 0) from activities)"
        ).fetchall()[0]
    return {
        "seconds": round(seconds, 3),
        "cpu_s": round(cpu_s, 3),
        "success": outcome.success,
        "blocked_reason": outcome.blocked_reason,
        "files_ingested": files,
        "points_in_activities": int(points),
    }


def main(argv: list[str]) -> None:
    stage, home, workers = argv[0], Path(argv[1]), int(argv[2])
    settings = replace(load_settings(home), parse_workers=workers)
    result = ingest_only(settings) if stage == "ingest" else whole_run(settings)
    # ru_maxrss is in KiB on Linux: this process's peak, and the largest reaped child's.
    result["own_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["largest_worker_peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
