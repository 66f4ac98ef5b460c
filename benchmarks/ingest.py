"""Ingestion throughput: a generated backlog of 1 Hz runs ingested end to end, against peers and the floor.

    .venv/bin/python -m benchmarks.ingest           # 2,000 files of 30-90 min; memory at 1,000-4,000
    .venv/bin/python -m benchmarks.ingest --quick   # 50 and 300 files of 20-40 min, under 2 minutes

The headline backlog is ingested in a fresh process (`benchmarks.ingest_stages`) through the
pipeline's own code: archive, register, roster, parse + clean + insert on `--workers` processes,
duplicates. Right after, the same files are read one after another in this process by the peers'
parsers (baseline) and by the bare read-and-decode floor (`benchmarks.ingest_reference`), then run
as the whole Dagster job (ingestion, SQL models, checks, publish) on a fresh copy (in `--quick` only
with `--whole-run`: its fixed cost alone takes most of the two minutes). Memory is the peak summed
RSS of the ingesting process and its workers, also at the other backlog sizes.

The JSON line (the last) gives each comparison twice: end to end as measured, fixed costs in, and
per point (`per_point_*`), the fixed costs fitted out from the smallest size and the headline
(`benchmarks.ingest_costs`; the baseline and floor timed over the same two sets of files).
A small backlog's end-to-end figures are mostly fixed cost; its per-point figures estimate what a
big backlog's end-to-end figures approach.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.clubs import machine
from benchmarks.ingest_backlog import BacklogFile, generate_backlog
from benchmarks.ingest_costs import Costs, fit_costs, import_cpu_s
from benchmarks.ingest_reference import BASELINE, FLOOR, time_readers
from benchmarks.process_memory import TreePeak

FULL_SIZES = (1000, 2000, 4000)  # peak memory at three backlog sizes
HEADLINE = 2000  # the size whose throughput is compared with the baseline and the floor
QUICK_SIZES = (50, 300)  # the two sizes give fixed and per-point costs (ingest_costs)
FIGURES = ("points", "seconds", "cpu_s")  # what time_readers gives per format
REFERENCES = (
    ("baseline", BASELINE, "baseline (gpxpy, fitdecode, ElementTree; one process, parse only)"),
    ("floor", FLOOR, "floor (read + lxml/decode_fit; one process)"),
)


def run_stage(stage: str, home: Path, workers: int) -> dict:
    """Run one measured stage in a fresh process; add the peak RSS of its process tree."""
    command = [sys.executable, "-m", "benchmarks.ingest_stages", stage, str(home), str(workers)]
    log = home / f"{stage}.log"  # Dagster's event log and any traceback
    with (
        open(log, "w") as errors,
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True) as process,
        TreePeak(process.pid) as peak,
    ):
        output, _ = process.communicate()
    if process.returncode:
        raise SystemExit(
            f"the {stage} stage failed (exit {process.returncode}):\n{log.read_text()[-3000:]}"
        )
    result = json.loads(output.strip().splitlines()[-1])
    result["peak_rss_mb"] = round(peak.peak_mb, 1)
    result["peak_processes"] = peak.peak_processes
    return result


def club_with(source: Path, target: Path, files: list[BacklogFile]) -> Path:
    """A fresh club folder holding exactly `files` of `source` (hard links) and the roster."""
    (target / "club").mkdir(parents=True)
    shutil.copyfile(source / "club" / "roster.csv", target / "club" / "roster.csv")
    for f in files:
        (target / "inbox" / f.path).parent.mkdir(parents=True, exist_ok=True)
        os.link(source / "inbox" / f.path, target / "inbox" / f.path)
    return target


def _rates(points: int, files: int, seconds: float) -> dict:
    return {
        "points_per_s": round(points / seconds),
        "files_per_s": round(files / seconds, 1),
    }


def measure_size(source: Path, work: Path, files: list[BacklogFile], workers: int) -> dict:
    """Ingest the first len(files) files of the backlog into a fresh club folder."""
    home = club_with(source, work / f"club_{len(files)}", files)
    points = sum(f.points for f in files)
    result = run_stage("ingest", home, workers)
    shutil.rmtree(home)  # its raw archive and warehouse: gigabytes at the largest size
    if result["points_in_activities"] != points or result["files_ingested"] != len(files):
        raise SystemExit(
            f"ingested {result['files_ingested']} files / {result['points_in_activities']} points, "
            f"generated {len(files)} / {points}: the pipeline lost or invented points"
        )
    return {
        "files": len(files),
        "points": points,
        **result,
        **_rates(points, len(files), result["seconds"]),
    }


def _reference_part(source: Path, files: list[BacklogFile], readers: dict) -> dict:
    by_format: dict[str, list[Path]] = {}
    for f in files:
        by_format.setdefault(f.format, []).append(source / "inbox" / f.path)
    return time_readers(readers, by_format)


def reference(source: Path, files: list[BacklogFile], readers: dict, split: int) -> dict:
    """Baseline or floor timings over the same files, with totals, also over the first `split`."""
    first = _reference_part(source, files[:split], readers)
    rest = _reference_part(source, files[split:], readers)
    timings = {
        fmt: {key: sum(part.get(fmt, {}).get(key, 0) for part in (first, rest)) for key in FIGURES}
        for fmt in first.keys() | rest.keys()
    }
    first_totals = {key: sum(t[key] for t in first.values()) for key in FIGURES}
    points = sum(t["points"] for t in timings.values())
    seconds = sum(t["seconds"] for t in timings.values())
    cpu = sum(t["cpu_s"] for t in timings.values())
    return {
        "by_format": {fmt: {k: round(v, 3) for k, v in t.items()} for fmt, t in timings.items()},
        "points": points,
        "seconds": round(seconds, 3),
        "cpu_s": round(cpu, 3),
        "points_per_s": round(points / seconds),
        "points_per_cpu_s": round(points / cpu),
        f"first_{split}_files": {k: round(v, 3) for k, v in first_totals.items()},
    }


def _print(label: str, figures: dict) -> None:
    print(f"{label}: {json.dumps(figures)}", flush=True)


def _end_to_end(head: dict, baseline: dict, floor: dict) -> dict:
    """The headline backlog against the baseline and floor over the same files, fixed costs in."""
    gpx_fit = [t for fmt, t in baseline["by_format"].items() if fmt != "tcx"]
    gpx_fit_rate = sum(t["points"] for t in gpx_fit) / sum(t["seconds"] for t in gpx_fit)
    cpu_rate = head["points"] / head["cpu_s"]
    return {
        "points_per_s": head["points_per_s"],
        "baseline_points_per_s": baseline["points_per_s"],
        "ratio_vs_baseline": round(head["points_per_s"] / baseline["points_per_s"], 2),
        "ratio_vs_gpx_fit_baseline": round(head["points_per_s"] / gpx_fit_rate, 2),
        "floor_points_per_s": floor["points_per_s"],
        "ratio_vs_floor": round(floor["points_per_s"] / head["points_per_s"], 2),
        "files_per_s": head["files_per_s"],
        "points_per_cpu_s": round(cpu_rate),
        "cpu_ratio_vs_baseline": round(cpu_rate / baseline["points_per_cpu_s"], 2),
        "cpu_ratio_vs_floor": round(floor["points_per_cpu_s"] / cpu_rate, 2),
    }


def _fit(small: dict, large: dict, key: str) -> Costs:
    return fit_costs((small["points"], small[key]), (large["points"], large[key]))


def _per_point(small: dict, head: dict, baseline: dict, floor: dict) -> dict:
    """The same comparisons on per-point costs: each side's fixed cost fitted out (ingest_costs)."""
    split = f"first_{small['files']}_files"
    ours = {key: _fit(small, head, key) for key in ("seconds", "cpu_s")}
    base = {key: _fit(baseline[split], baseline, key) for key in ("seconds", "cpu_s")}
    low = {key: _fit(floor[split], floor, key) for key in ("seconds", "cpu_s")}
    return {
        "fit_files": [small["files"], head["files"]],
        "fixed_s": round(ours["seconds"].fixed, 2),
        "fixed_cpu_s": round(ours["cpu_s"].fixed, 2),
        "baseline_fixed_cpu_s": round(import_cpu_s(), 2),
        "per_point_points_per_s": round(ours["seconds"].points_per_s),
        "per_point_points_per_cpu_s": round(ours["cpu_s"].points_per_s),
        "per_point_baseline_points_per_s": round(base["seconds"].points_per_s),
        "per_point_floor_points_per_s": round(low["seconds"].points_per_s),
        "per_point_ratio_vs_baseline": round(
            base["seconds"].per_point / ours["seconds"].per_point, 2
        ),
        "per_point_cpu_ratio_vs_baseline": round(
            base["cpu_s"].per_point / ours["cpu_s"].per_point, 2
        ),
        "per_point_ratio_vs_floor": round(ours["seconds"].per_point / low["seconds"].per_point, 2),
        "per_point_cpu_ratio_vs_floor": round(ours["cpu_s"].per_point / low["cpu_s"].per_point, 2),
    }


def _summary(
    runs: dict[int, dict], headline: int, reference_runs: dict, whole: dict | None
) -> dict:
    """The JSON line: end to end (as measured) and per point (fixed costs fitted out)."""
    head, small = runs[headline], runs[min(runs)]
    baseline, floor = reference_runs["baseline"], reference_runs["floor"]
    return {
        "benchmark": "ingest",
        **_end_to_end(head, baseline, floor),
        "peak_rss_mb": head["peak_rss_mb"],
        "peak_rss_mb_by_size": {size: run["peak_rss_mb"] for size, run in sorted(runs.items())},
        "whole_run_points_per_s": whole["points_per_s"] if whole else None,
        **_per_point(small, head, baseline, floor),
        "files": head["files"],
        "points": head["points"],
        "load_average": os.getloadavg(),
    }


def _whole_run(
    source: Path, work: Path, files: list[BacklogFile], head: dict, workers: int
) -> dict:
    home = club_with(source, work / "whole_run", files)
    whole = run_stage("dagster", home, workers)
    whole |= _rates(head["points"], head["files"], whole["seconds"])
    shutil.rmtree(home)
    return whole


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50 and 300 files of 20-40 min")
    parser.add_argument("--workers", type=int, default=2, help="parse worker processes")
    parser.add_argument("--sizes", type=int, nargs="*", help="backlog sizes (files); the smallest "
                        "is fitted against the headline for fixed and per-point costs")  # fmt: skip
    parser.add_argument("--headline", type=int, help="the size compared with baseline and floor")
    parser.add_argument("--whole-run", action="store_true", help="the Dagster job also in --quick")
    parser.add_argument("--workdir", type=Path, help="keep the generated backlog here")
    args = parser.parse_args()
    sizes = sorted(args.sizes or (QUICK_SIZES if args.quick else FULL_SIZES))
    headline = args.headline or (max(QUICK_SIZES) if args.quick else HEADLINE)
    if min(sizes) >= headline:
        raise SystemExit(f"a size smaller than the headline ({headline}) is needed for the fit")
    minutes = (20.0, 40.0) if args.quick else (30.0, 90.0)
    work = Path(args.workdir or tempfile.mkdtemp(prefix="ingest_bench_"))
    source = work / "backlog"
    _print("machine", machine())
    try:
        started = time.perf_counter()
        backlog = generate_backlog(source, max(*sizes, headline), minutes, workers=args.workers)
        _print("backlog", {"files": len(backlog), "points": sum(f.points for f in backlog),
                           "seconds": round(time.perf_counter() - started, 1)})  # fmt: skip
        files = backlog[:headline]
        # the comparisons run back to back, so a busy machine slows all of them alike
        runs = {headline: measure_size(source, work, files, args.workers)}
        _print(f"ingest {headline} files", runs[headline])
        references = {}
        for name, readers, label in REFERENCES:
            references[name] = reference(source, files, readers, min(sizes))
            _print(label, references[name])
        for size in sizes:
            if size not in runs:
                runs[size] = measure_size(source, work, backlog[:size], args.workers)
                _print(f"ingest {size} files", runs[size])
        whole = None
        if args.whole_run or not args.quick:
            whole = _whole_run(source, work, files, runs[headline], args.workers)
            _print("whole Dagster run", whole)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(_summary(runs, headline, references, whole)))


if __name__ == "__main__":
    main()
