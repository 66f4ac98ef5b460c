"""CPU per point of each activity parser alone, per format, in one process.

    .venv/bin/python -m benchmarks.parse_cpu                 # 90 files of 30-90 min (~310k points)
    .venv/bin/python -m benchmarks.parse_cpu --files 300 --repeat 3

The benchmark backlog (`benchmarks.ingest_backlog`: GPX, TCX, FIT in turn) is written to a temporary
folder, then each format's files are parsed one after another with `time.process_time` around the
parser (`parse_gpx`, `parse_tcx`, `parse_fit`), the best of `--repeat` passes. CPU seconds hardly
depend on other work sharing the cores, so two versions of the code can be compared on a busy
machine: run them back to back (or at the same time) on the same backlog.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.clubs import machine
from benchmarks.ingest_backlog import generate_backlog
from pipelines.parsers.activity.fit import parse_fit
from pipelines.parsers.activity.gpx import parse_gpx
from pipelines.parsers.activity.tcx import parse_tcx

PARSERS = {"gpx": parse_gpx, "tcx": parse_tcx, "fit": parse_fit}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=90, help="backlog files (a third per format)")
    parser.add_argument("--repeat", type=int, default=2, help="passes per format; the best counts")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="parse_cpu_"))
    try:
        backlog = generate_backlog(work, args.files)
        result = {}
        for fmt, parse in PARSERS.items():
            chosen = [f for f in backlog if f.format == fmt]
            blobs = [(work / "inbox" / f.path).read_bytes() for f in chosen]
            points = sum(f.points for f in chosen)
            parse(blobs[0])  # imports and caches warmed, as in a worker past its first file
            best = float("inf")
            for _ in range(args.repeat):
                started = time.process_time()
                for data in blobs:
                    parse(data)
                best = min(best, time.process_time() - started)
            result[fmt] = {
                "files": len(blobs),
                "points": points,
                "us_per_point": round(best / points * 1e6, 2),
            }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"benchmark": "parse_cpu", "machine": machine(), **result}))


if __name__ == "__main__":
    main()
