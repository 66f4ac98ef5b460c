"""CPU per file of summarising small activity files: one activity at a time against batches.

    .venv/bin/python -m benchmarks.summarize_cpu                  # 10 athletes x 52 weeks, ~1,850 files
    .venv/bin/python -m benchmarks.summarize_cpu --repeat 3

A demo club without streams (one small GPX a file, one point a minute) is written to a temporary
folder and every file is parsed once (`parse_activity_file`, not timed). Then, with
`time.process_time` around the calls, the best of `--repeat` passes: `summarize` on each activity
in turn, and `summarize_many` on batches of `--batch` files' activities (as `parse_batch` does).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.clubs import machine
from pipelines.activity.summarize import SummaryInput, summarize, summarize_many
from pipelines.demo.generate import generate_demo_club
from pipelines.ingest.activities import BATCH_FILES
from pipelines.parsers.activity.activity_file import parse_activity_file
from pipelines.parsers.schemas import ParseError


def parsed_club(home: Path, athletes: int, weeks: int) -> list[list[SummaryInput]]:
    """Each demo file's activities, ready to summarise (files no parser accepts left out)."""
    generate_demo_club(home, athletes=athletes, weeks=weeks, streams=False, seed=7)
    files = []
    for path in sorted(p for p in (home / "inbox").rglob("*") if p.is_file()):
        try:
            activities = parse_activity_file(path.name, path.read_bytes())
        except ParseError:
            continue
        files.append([SummaryInput(activity, "Europe/London") for activity in activities])
    return files


def best_cpu_s(work, repeat: int) -> float:
    """The least CPU time of `repeat` runs of `work()`."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--athletes", type=int, default=10)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--batch", type=int, default=BATCH_FILES, help="files per batch")
    parser.add_argument("--repeat", type=int, default=2, help="passes; the best counts")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="summarize_cpu_"))
    try:
        files = parsed_club(work, args.athletes, args.weeks)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    items = [item for file in files for item in file]
    batches = [
        [item for file in files[start : start + args.batch] for item in file]
        for start in range(0, len(files), args.batch)
    ]
    summarize_many(batches[0])  # imports and caches warmed, as in a worker past its first batch

    def one_at_a_time() -> None:
        for item in items:
            with contextlib.suppress(ParseError):
                summarize(item.activity, item.fallback_tz)

    def batched() -> None:
        for batch in batches:
            summarize_many(batch)

    single, many = best_cpu_s(one_at_a_time, args.repeat), best_cpu_s(batched, args.repeat)
    result = {
        "files": len(files),
        "activities": len(items),
        "points": sum(item.activity.samples.height for item in items),
        "ms_per_file_one_at_a_time": round(single / len(files) * 1e3, 3),
        "ms_per_file_batched": round(many / len(files) * 1e3, 3),
        "speedup": round(single / many, 2),
    }
    print(json.dumps({"benchmark": "summarize_cpu", "machine": machine(), **result}))


if __name__ == "__main__":
    main()
