"""CPU per point of each activity parser alone, per format, in one process; or, with `--small`,
CPU per file on small files.

    .venv/bin/python -m benchmarks.parse_cpu                 # 90 files of 30-90 min (~310k points)
    .venv/bin/python -m benchmarks.parse_cpu --files 300 --repeat 3
    .venv/bin/python -m benchmarks.parse_cpu --small         # a first import's small files

The benchmark backlog (`benchmarks.ingest_backlog`: GPX, TCX, FIT in turn) is written to a temporary
folder, then each format's files are parsed one after another with `time.process_time` around the
parser (`parse_gpx`, `parse_tcx`, `parse_fit`), the best of `--repeat` passes. CPU seconds hardly
depend on other work sharing the cores, so two versions of the code can be compared on a busy
machine: run them back to back (or at the same time) on the same backlog.

`--small` measures what a large club's first import parses: files of ~50 points, where the cost is
per file rather than per point. Two sets, each parsed by `parse_activity_file` (as ingestion does:
gunzip, sniff, parse), the best of `--repeat` passes, in ms of CPU per file:
- `demo`: every activity file of a no-streams demo club (`generate_demo_club(..., athletes=10,
  weeks=52, streams=False, seed=7)`: GPX with one point a minute, some gzipped, a few bad files),
  per format as sniffed;
- `backlog`: `--files` backlog runs of 30-90 min written with one point a minute, GPX, TCX and FIT.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.clubs import machine
from benchmarks.ingest_backlog import generate_backlog
from pipelines.demo.generate import generate_demo_club
from pipelines.parsers.activity.activity_file import parse_activity_file, sniff_format
from pipelines.parsers.activity.fit import parse_fit
from pipelines.parsers.activity.gpx import parse_gpx
from pipelines.parsers.activity.tcx import parse_tcx
from pipelines.parsers.schemas import ParseError

PARSERS = {"gpx": parse_gpx, "tcx": parse_tcx, "fit": parse_fit}
SMALL_EVERY_S = 60.0  # one point a minute, as in the demo's and benchmark clubs' large imports
ACTIVITY_FILE = re.compile(r"\.(?:gpx|tcx|fit)(?:\.gz)?$", re.IGNORECASE)


def _best_cpu_s(parse: Callable[[bytes], object], blobs: list[bytes], repeat: int) -> float:
    """The least CPU time of `repeat` passes parsing every blob, after one warm-up parse."""
    parse(blobs[0])  # imports and caches warmed, as in a worker past its first file
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        for data in blobs:
            with contextlib.suppress(ParseError):  # the demo's bad files, refused as in ingestion
                parse(data)
        best = min(best, time.process_time() - started)
    return best


def _per_point(work: Path, files: int, repeat: int) -> dict:
    backlog = generate_backlog(work, files)
    result = {}
    for fmt, parse in PARSERS.items():
        chosen = [f for f in backlog if f.format == fmt]
        blobs = [(work / "inbox" / f.path).read_bytes() for f in chosen]
        points = sum(f.points for f in chosen)
        best = _best_cpu_s(parse, blobs, repeat)
        result[fmt] = {
            "files": len(blobs),
            "points": points,
            "us_per_point": round(best / points * 1e6, 2),
        }
    return result


def _per_file(blobs: dict[str, list[bytes]], repeat: int) -> dict:
    def parse(data: bytes) -> object:
        return parse_activity_file("file", data)

    return {
        fmt: {
            "files": len(chosen),
            "ms_per_file": round(_best_cpu_s(parse, chosen, repeat) / len(chosen) * 1e3, 3),
        }
        for fmt, chosen in sorted(blobs.items())
    }


def _small(work: Path, files: int, repeat: int) -> dict:
    generate_demo_club(work / "demo", athletes=10, weeks=52, streams=False, seed=7)
    demo: dict[str, list[bytes]] = {}
    for path in sorted((work / "demo" / "inbox").rglob("*")):
        if ACTIVITY_FILE.search(path.name):
            data = path.read_bytes()
            demo.setdefault(sniff_format(path.name, data), []).append(data)
    backlog = generate_backlog(work / "backlog", files, every_s=SMALL_EVERY_S)
    runs: dict[str, list[bytes]] = {}
    for f in backlog:
        runs.setdefault(f.format, []).append((work / "backlog" / "inbox" / f.path).read_bytes())
    points = sum(f.points for f in backlog) / len(backlog)
    return {
        "demo": _per_file(demo, repeat),
        "backlog": {"points_per_file": round(points, 1), **_per_file(runs, repeat)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=90, help="backlog files (a third per format)")
    parser.add_argument("--repeat", type=int, default=2, help="passes per format; the best counts")
    parser.add_argument("--small", action="store_true", help="CPU per file on small files")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="parse_cpu_"))
    try:
        if args.small:
            result = _small(work, args.files, args.repeat)
        else:
            result = _per_point(work, args.files, args.repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    name = "parse_cpu_small" if args.small else "parse_cpu"
    print(json.dumps({"benchmark": name, "machine": machine(), **result}))


if __name__ == "__main__":
    main()
