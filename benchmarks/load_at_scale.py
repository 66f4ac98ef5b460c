"""What loading a batch of new activity files costs the main process at the end of a large first
import: the last batches of a built club, loaded against a warehouse inflated to a 2,000-athlete,
3-year history (~1.1 M rows in `files` and `activities`).

    .venv/bin/python -m benchmarks.load_at_scale /tmp/strongstride-bench/mem-50x156

A copy of the club's warehouse keeps its first files and activities and adds COPIES copies of each
under other hashes; its last BATCHES x BATCH_FILES activity files become a pending backlog again.
They are parsed first (not timed), then loaded as the `activities` asset loads them; prints one
JSON line: CPU and wall milliseconds per batch of the loading alone.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import duckdb

from pipelines.ingest.activities import (
    BATCH_FILES,
    Backlog,
    BatchLoader,
    _batches,
    limit_load_memory,
    parse_batch,
)
from pipelines.settings import load_settings

COPIES = 40
BATCHES = 20


def _inflated_club(club: Path, home: Path) -> None:
    """`home`: the club's folders linked, its warehouse copied with a large history."""
    for part in club.iterdir():
        if not part.name.startswith("warehouse"):
            (home / part.name).symlink_to(part)
    shutil.copy(club / "warehouse.duckdb", home / "warehouse.duckdb")
    with duckdb.connect(str(home / "warehouse.duckdb")) as con:
        con.sql(
            "create temp table backlog as select sha256 from files where kind = 'activity' "
            "order by received_at desc, sha256 desc limit ?",
            params=[BATCHES * BATCH_FILES],
        )
        con.sql(
            "delete from activity_samples where activity_id in (select activity_id from "
            "activities where file_sha256 in (select sha256 from backlog))"
        )
        con.sql("delete from activities where file_sha256 in (select sha256 from backlog)")
        con.sql(
            "update files set status = 'pending', items = 0 "
            "where sha256 in (select sha256 from backlog)"
        )
        con.sql(
            "insert into files select f.* replace (md5(f.sha256 || i) || md5(i || f.sha256) "
            "as sha256) from files f, range(1, ?) r(i) where f.sha256 not in (select sha256 "
            "from backlog)",
            params=[COPIES + 1],
        )
        con.sql(
            "insert into activities select a.* replace (md5(a.file_sha256 || i) || "
            "md5(i || a.file_sha256) as file_sha256, a.activity_id || '-' || i as activity_id) "
            "from activities a, range(1, ?) r(i)",
            params=[COPIES + 1],
        )


def main(club: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="load_at_scale_") as folder:
        home = Path(folder)
        _inflated_club(club, home)
        settings = replace(load_settings(home), parse_workers=1)
        with duckdb.connect(str(settings.warehouse)) as con:
            limit_load_memory(con)
            history = con.sql("select count(*) from files").fetchall()[0][0]
            backlog = Backlog(con, settings, ["activity"])
            results = [
                parse_batch(batch, settings.thresholds)
                for batch in _batches(backlog.jobs(), BATCH_FILES)
            ]
            cpu, wall = time.process_time(), time.perf_counter()
            with BatchLoader(con, backlog) as load:
                for result in results:
                    load(result)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {
        "files_in_registry": history,
        "batches": len(results),
        "files": backlog.files,
        "load_cpu_ms_per_batch": round(cpu / len(results) * 1000, 1),
        "load_wall_ms_per_batch": round(wall / len(results) * 1000, 1),
        "load_average": [round(x, 1) for x in os.getloadavg()],
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
