"""Publish time: a whole serving file written, against a night where nothing or one mart changed.

    .venv/bin/python -m benchmarks.publish --quick                       # 20-athlete club, marts x 100
    .venv/bin/python -m benchmarks.publish                               # the large club (2,000 athletes)
    .venv/bin/python -m benchmarks.publish --home /tmp/demo --scale 50   # any ingested home, marts x 50

The home's warehouse is copied to a temporary folder (the home is left as it was) and published
there `--repeat` times per case: `full` into an empty folder (every mart written: what every night
cost before partial publication), `unchanged` again with nothing changed, `largest_changed` after
one row of the largest mart was deleted (and the model journal told, as a build would tell it, that
the mart was rewritten whole), and `fingerprints` the fingerprint pass alone. The last
line is JSON with the median seconds per case. `--scale N` first repeats every mart's rows N times
with the athlete ids made distinct (the demo club's 40 athletes become 40 x N), a stand-in for the
marts of a big club without ingesting one.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from benchmarks.clubs import BENCH_ROOT, LARGE, QUICK_HISTORY, ensure_club, machine
from pipelines.publish.serving import (
    SERVING_PREFIX,
    generation_files,
    mart_fingerprints,
    publish,
)
from pipelines.transform.journal import Region, record_regions, start_build
from pipelines.warehouse import ident, table_names


def median_seconds(step: Callable[[], object], repeat: int) -> float:
    """The median wall-clock time of `repeat` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times), 3)


def largest_mart(warehouse: Path) -> tuple[str, int, int]:
    """The mart with the most rows, its row count, and the number of marts."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = table_names(con, SERVING_PREFIX)
        counts = {n: con.sql(f"select count(*) from {ident(n)}").fetchall()[0][0] for n in names}  # noqa: S608
    name = max(counts, key=counts.__getitem__)
    return name, sum(counts.values()), len(names)


def scale_marts(warehouse: Path, times: int) -> None:
    """Repeat the rows of every mart with an athlete_id `times` times, each copy its own athletes."""
    with duckdb.connect(str(warehouse)) as con:
        for name in table_names(con, SERVING_PREFIX):
            (athletes,) = con.sql(
                "select count(*) from information_schema.columns "
                "where table_name = ? and column_name = 'athlete_id'",
                params=[name],
            ).fetchall()[0]
            if athletes:
                con.sql(
                    f"create or replace table {ident(name)} as select m.* replace "  # noqa: S608
                    f"(m.athlete_id || '~' || k as athlete_id) from {ident(name)} as m, range(?) r(k)",
                    params=[times],
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="an ingested STRONGSTRIDE_HOME")
    parser.add_argument(
        "--quick", action="store_true", help="the 20-athlete benchmark club, --scale 100 by default"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scale", type=int, help="athletes per demo athlete (default 1)")
    args = parser.parse_args()
    if args.home is None:
        args.home = BENCH_ROOT / ("quick-history" if args.quick else "large")
        ensure_club(args.home, QUICK_HISTORY if args.quick else LARGE)
    args.scale = args.scale or (100 if args.quick else 1)
    with tempfile.TemporaryDirectory() as scratch:
        warehouse = Path(scratch) / "warehouse.duckdb"
        shutil.copyfile(args.home / "warehouse.duckdb", warehouse)
        if args.scale > 1:
            scale_marts(warehouse, args.scale)
        serving = Path(scratch) / "serving.duckdb"
        largest, mart_rows, marts = largest_mart(warehouse)

        def fresh() -> None:
            for path in (serving, *generation_files(serving)):
                path.unlink(missing_ok=True)
            publish(warehouse, serving, "bench-full")

        def one_changed() -> None:
            """A row of the largest mart deleted, recorded in the model journal as a build of the
            graph would: that mart rewritten whole, the others untouched."""
            table = ident(largest)
            delete = f"delete from {table} where rowid = (select min(rowid) from {table})"  # noqa: S608
            with duckdb.connect(str(warehouse)) as con:
                con.sql(delete)
                build = start_build(con)
                untouched = {name: Region() for name in table_names(con, SERVING_PREFIX)}
                record_regions(con, build, untouched | {largest: Region(whole=True)})
            assert publish(warehouse, serving, "bench-one").replaced == (largest,)

        def fingerprints() -> None:
            with duckdb.connect(str(warehouse), read_only=True) as con:
                mart_fingerprints(con, table_names(con, SERVING_PREFIX))

        result = {
            "full": median_seconds(fresh, args.repeat),
            "serving_mb": round(serving.stat().st_size / 1e6, 1),
            "unchanged": median_seconds(lambda: publish(warehouse, serving, "bench"), args.repeat),
            "largest_changed": median_seconds(one_changed, args.repeat),
            "fingerprints": median_seconds(fingerprints, args.repeat),
            "serving_mb_after": round(serving.stat().st_size / 1e6, 1),
        }
    print(
        json.dumps(
            {"scale": args.scale, "marts": marts, "mart_rows": mart_rows, "largest": largest}
            | result
            | {"machine": machine()}
        )
    )


if __name__ == "__main__":
    main()
