"""The scale benchmarks' clubs: generated once (one GPS point a minute), ingested once, then reused.

    .venv/bin/python -m benchmarks.clubs large        # build /tmp/strongstride-bench/large if missing
    .venv/bin/python -m benchmarks.clubs NAME ATHLETES WEEKS

A club folder is ready when its BUILD.json exists; it records the size, how long generation and
ingestion took, the ingestion's peak memory and the folder's size on disk. A folder without it is
a build that was interrupted, and is built again from scratch.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.process_memory import TreePeak

BENCH_ROOT = Path("/tmp/strongstride-bench")
SEED = 7


@dataclass(frozen=True)
class ClubSize:
    """How many athletes, over how many weeks of history."""

    athletes: int
    weeks: int


# the large club: ~1.16 M activity files, generated in ~15 minutes, ingested once in ~20 minutes
LARGE = ClubSize(athletes=2000, weeks=156)
QUICK_HISTORY = ClubSize(athletes=20, weeks=26)


def machine() -> dict:
    """What the figures were measured on, and how busy it was."""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(memory_kb / 1024**2, 1),
        "python": platform.python_version(),
        "os": platform.platform(),
        "load_average": [round(x, 1) for x in os.getloadavg()],
    }


def code_version() -> str:
    """The commit the measured code is at, marked when the working tree differs from it."""
    repo = Path(__file__).resolve().parents[1]

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=repo, capture_output=True, text=True, check=False
        ).stdout.strip()

    changed = git("status", "--porcelain", "--", "pipelines", "sql", "dashboard")
    return git("rev-parse", "--short", "HEAD") + (" + uncommitted changes" if changed else "")


def disk_bytes(path: Path) -> int:
    """Bytes the folder occupies on disk (allocated blocks, as `du` counts them)."""
    total = 0
    for root, _, names in os.walk(path):
        for name in names:
            try:
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
            except OSError:
                continue
    return total


def _stage(args: list[str], log: Path) -> tuple[float, float, float]:
    """Run one build stage in a fresh process; returns (seconds, CPU seconds of its process tree,
    peak RSS of that tree in MB)."""
    command = [sys.executable, "-m", "benchmarks.clubs", "--stage", *args]
    cpu_before = _children_cpu_s()
    started = time.perf_counter()
    with (
        open(log, "w") as out,
        subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT) as process,
        TreePeak(process.pid, interval_s=0.2) as peak,
    ):
        process.wait()
    if process.returncode:
        raise SystemExit(
            f"building the benchmark club failed at '{args[0]}' (exit {process.returncode}); "
            f"the end of {log}:\n{log.read_text()[-3000:]}"
        )
    return time.perf_counter() - started, _children_cpu_s() - cpu_before, peak.peak_mb


def _children_cpu_s() -> float:
    """CPU seconds (user + system) of every ended process this one waited for, and theirs."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ensure_club(home: Path, size: ClubSize) -> dict:
    """The club at `home`, generated and ingested when missing; returns its build record."""
    record, generated = home / "BUILD.json", home / "GENERATED.json"
    if record.exists():
        return json.loads(record.read_text())
    code = code_version()  # before the build: the code that ingests the club
    print(
        f"building the benchmark club {home} ({size.athletes} athletes x {size.weeks} weeks, "
        f"one GPS point a minute); progress in {home}/generate.log and {home}/ingest.log",
        flush=True,
    )
    if generated.exists():  # a build interrupted after generating: ingest again from scratch
        shutil.rmtree(home / "raw", ignore_errors=True)
        shutil.rmtree(home / ".dagster", ignore_errors=True)
        from pipelines.publish.serving import generation_files

        serving = home / "serving.duckdb"
        for database in ("warehouse.duckdb", "warehouse.duckdb.wal"):
            (home / database).unlink(missing_ok=True)
        for path in (serving, *generation_files(serving)):
            path.unlink(missing_ok=True)
        summary = json.loads(generated.read_text())
    else:
        if home.exists():  # interrupted while generating
            shutil.rmtree(home)
        home.mkdir(parents=True)
        generate_s, _, _ = _stage(
            ["generate", str(home), str(size.athletes), str(size.weeks)], home / "generate.log"
        )
        summary = json.loads((home / "generate.log").read_text().strip().splitlines()[-1])
        summary["generate_s"] = round(generate_s, 1)
        generated.write_text(json.dumps(summary) + "\n")
    print(
        f"  generated {summary['activity_files']} activity files in {summary['generate_s']:.0f} s",
        flush=True,
    )
    ingest_s, ingest_cpu_s, ingest_peak_mb = _stage(["ingest", str(home)], home / "ingest.log")
    files = summary["activity_files"] + summary["strength_files"]
    built = {
        **asdict(size),
        **summary,
        "ingest_s": round(ingest_s, 1),
        "ingest_files_per_s": round(files / ingest_s, 1),
        "ingest_cpu_s": round(ingest_cpu_s, 1),
        "ingest_peak_rss_mb": round(ingest_peak_mb, 1),
        "disk_gb": {
            part: round(disk_bytes(home / part) / 1024**3, 2) for part in ("inbox", "raw", "club")
        }
        | {
            name: round((home / f"{name}.duckdb").stat().st_size / 1024**3, 2)
            for name in ("warehouse", "serving")
        },
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "code": code,
        "machine": machine(),
    }
    print(f"  ingested in {ingest_s:.0f} s ({built['ingest_files_per_s']} files/s)", flush=True)
    record.write_text(json.dumps(built, indent=2) + "\n")
    return built


def _generate(home: Path, athletes: int, weeks: int) -> None:
    from pipelines.demo.generate import generate_demo_club

    def progress(stage: str, done: int, total: int) -> None:
        if done == total or done % 50 == 0:
            print(f"{stage} {done}/{total}", flush=True)

    summary = generate_demo_club(
        home, athletes=athletes, weeks=weeks, seed=SEED, streams=False, progress=progress
    )
    fields = ("activity_files", "activities", "gps_points", "strength_files", "strength_sets")
    print(json.dumps({name: getattr(summary, name) for name in fields}), flush=True)


def _ingest(home: Path) -> None:
    from pipelines.run import run_ingest
    from pipelines.settings import load_settings

    outcome = run_ingest(load_settings(home))
    if not outcome.success:
        raise SystemExit(f"the ingestion run failed: {outcome.blocked_reason}")


def main() -> None:
    if sys.argv[1:2] == ["--stage"]:
        stage, home, *rest = sys.argv[2:]
        if stage == "generate":
            _generate(Path(home), int(rest[0]), int(rest[1]))
        else:
            _ingest(Path(home))
        return
    name, *size = sys.argv[1:]
    club = LARGE if name == "large" else ClubSize(int(size[0]), int(size[1]))
    print(json.dumps(ensure_club(BENCH_ROOT / name, club)))


if __name__ == "__main__":
    main()


INGEST_STEPS = ("raw_archive", "club_reference", "activities", "strength_sets")
PUBLISH_STEP = "serving_file"


def timed_ingest(home: Path):
    """One whole `run_ingest` of the club at `home`: (settings, run id, wall seconds); a failed run
    stops the benchmark with its reason."""
    from pipelines.run import run_ingest
    from pipelines.settings import load_settings

    settings = load_settings(home)
    started = time.perf_counter()
    outcome = run_ingest(settings)
    wall = time.perf_counter() - started
    if not outcome.success:
        raise SystemExit(f"the run failed in {home}: {outcome.blocked_reason}")
    return settings, outcome.run_id, wall


def step_seconds(settings, run_id: str) -> dict[str, float]:
    """Each step's own time in a finished run, from Dagster's step records in the club instance."""
    from pipelines.run import club_instance

    with club_instance(settings) as instance:
        return {
            s.step_key: s.end_time - s.start_time
            for s in instance.get_run_step_stats(run_id)
            if s.start_time and s.end_time
        }


def own_seconds(settings, run_id: str) -> dict[str, dict[str, float]]:
    """Each model's and each check's own seconds in a finished run, from the metadata the model
    step records (absent before issue 13): {"models": {asset: s}, "checks": {check: s}}."""
    import dagster as dg

    from pipelines.run import club_instance

    kinds = {
        dg.DagsterEventType.ASSET_MATERIALIZATION: "models",
        dg.DagsterEventType.ASSET_CHECK_EVALUATION: "checks",
    }
    seconds: dict[str, dict[str, float]] = {"models": {}, "checks": {}}
    with club_instance(settings) as instance:
        for record in instance.all_logs(run_id, of_type=set(kinds)):
            event = record.dagster_event
            data = event.event_specific_data
            if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
                name, metadata = (
                    data.materialization.asset_key.path[-1],
                    data.materialization.metadata,
                )
            else:
                name, metadata = data.check_name, data.metadata
            if metadata.get("seconds") is not None:
                seconds[kinds[event.event_type]][name] = metadata["seconds"].value
    return seconds


def split_steps(steps: dict[str, float]) -> dict[str, float]:
    """Step time by kind: ingestion, the models with their checks (every other step), publish."""
    models = [v for k, v in steps.items() if k not in INGEST_STEPS and k != PUBLISH_STEP]
    return {
        "ingest_s": sum(v for k, v in steps.items() if k in INGEST_STEPS),
        "models_and_checks_s": sum(models),
        "publish_s": steps.get(PUBLISH_STEP, 0.0),
        "model_and_check_steps": len(models),
    }
