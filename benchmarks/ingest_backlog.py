"""A generated backlog for the ingestion benchmark: 1 Hz runs as GPX, TCX and FIT, in a club's inbox.

The recordings and file bytes come from the demo club's own simulator and writers
(`pipelines.demo.runs.record_activities` at one point a second, `writers_gpx/tcx/fit`), so the
benchmark reads exactly what the demo and real watches hand in. Files rotate GPX, TCX, FIT.
"""

from __future__ import annotations

import csv
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from pipelines.demo.routes import CITIES, home_in, make_loop
from pipelines.demo.runs import ActivityPlan, Recording, record_activities
from pipelines.demo.writers_fit import fit_bytes
from pipelines.demo.writers_gpx import gpx_bytes
from pipelines.demo.writers_tcx import tcx_bytes

FORMATS = ("gpx", "tcx", "fit")
FILES_PER_ATHLETE = 50
SIMULATED_TOGETHER = 16  # recordings simulated in one vectorised pass: bounded memory at 1 s steps
FIRST_DAY_UTC = int(datetime(2025, 1, 6, tzinfo=UTC).timestamp())
DAY_S = 86_400


@dataclass(frozen=True)
class BacklogFile:
    """One generated file: where it is (relative to the inbox), its format and its track points."""

    path: str
    format: str
    points: int


@dataclass(frozen=True)
class _AthleteTask:
    index: int
    first_file: int
    files: int
    minutes: tuple[float, float]
    seed: int
    inbox: Path
    every_s: float


def athlete_id(index: int) -> str:
    """The roster id of benchmark athlete `index`."""
    return f"b{index:04d}"


def _plans(task: _AthleteTask, rng: np.random.Generator) -> list[ActivityPlan]:
    """One run a day, 30-90 (or `minutes`) minutes on one of three loops around a home in a city."""
    city = CITIES[task.index % len(CITIES)]
    home = home_in(city, rng)
    loops = [
        make_loop(rng, f"loop {k}", home, float(rng.uniform(5000, 15000)), city.base_ele_m, 20.0)
        for k in range(3)
    ]
    hr_rest, hr_max = float(rng.integers(45, 62)), float(rng.integers(178, 196))
    v_easy = float(rng.uniform(2.6, 3.6))
    plans = []
    for k in range(task.files):
        minutes = rng.uniform(*task.minutes)
        plans.append(
            ActivityPlan(
                sport="running",
                start_utc=FIRST_DAY_UTC + k * DAY_S + int(rng.integers(6 * 3600, 20 * 3600)),
                moving_s=int(minutes * 60),
                route=loops[k % 3],
                v_flat=v_easy * float(rng.uniform(0.95, 1.1)),
                v_threshold=v_easy * 1.2,
                hr_rest=hr_rest,
                hr_max=hr_max,
                has_hr=True,
                pauses=int(rng.integers(0, 4)),
                name=f"Run {k + 1}",
                time_zone=city.time_zone,
            )
        )
    return plans


def _file_bytes(rec: Recording, fmt: str, serial: int, number: int) -> tuple[str, bytes]:
    start = datetime.fromtimestamp(int(rec.t[0]), UTC)
    stem = f"{start:%Y-%m-%d-%H-%M-%S}"
    if fmt == "fit":
        return f"{stem}.fit", fit_bytes(rec, serial, "fenix5" if number % 2 else "fr255")
    if fmt == "tcx":
        return f"activity_{stem}.tcx", tcx_bytes(rec, serial)
    return f"activity_{stem}.gpx", gpx_bytes(rec)


def _write_athlete(task: _AthleteTask) -> list[BacklogFile]:
    """Simulate and write one athlete's files (runs in a worker process)."""
    rng = np.random.default_rng([task.seed, task.index])
    plans = _plans(task, rng)
    folder = task.inbox / athlete_id(task.index)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for first in range(0, len(plans), SIMULATED_TOGETHER):
        batch = plans[first : first + SIMULATED_TOGETHER]
        for offset, rec in enumerate(record_activities(batch, rng, every_s=task.every_s)):
            number = task.first_file + first + offset
            fmt = FORMATS[number % len(FORMATS)]
            name, data = _file_bytes(rec, fmt, 3_400_000_000 + task.index, number)
            (folder / name).write_bytes(data)
            written.append(BacklogFile(f"{athlete_id(task.index)}/{name}", fmt, len(rec.t)))
    return written


def _write_roster(club: Path, athletes: int) -> None:
    club.mkdir(parents=True, exist_ok=True)
    with open(club / "roster.csv", "w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["athlete_id", "display_name", "sex", "time_zone", "hr_rest", "hr_max"])
        for index in range(athletes):
            city = CITIES[index % len(CITIES)]
            sex = "FM"[index % 2]
            writer.writerow([athlete_id(index), f"Runner {index}", sex, city.time_zone, 52, 188])


def generate_backlog(
    home: Path,
    files: int,
    minutes: tuple[float, float] = (30.0, 90.0),
    seed: int = 11,
    workers: int = 2,
    every_s: float = 1.0,
) -> list[BacklogFile]:
    """Write `files` runs (GPX, TCX, FIT in turn) with a point every `every_s` seconds into
    home/inbox and a roster into home/club."""
    athletes = -(-files // FILES_PER_ATHLETE)
    tasks = [
        _AthleteTask(
            index=i,
            first_file=i * FILES_PER_ATHLETE,
            files=min(FILES_PER_ATHLETE, files - i * FILES_PER_ATHLETE),
            minutes=minutes,
            seed=seed,
            inbox=home / "inbox",
            every_s=every_s,
        )
        for i in range(athletes)
    ]
    _write_roster(home / "club", athletes)
    if workers <= 1 or athletes == 1:
        return [f for task in tasks for f in _write_athlete(task)]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        return [f for written in pool.map(_write_athlete, tasks) for f in written]
