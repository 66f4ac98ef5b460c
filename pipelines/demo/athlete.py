"""Everything one member hands in, written to their inbox; club-file rows returned to the caller.

Runs in a worker process: each athlete draws from their own seeded generators, so the output is the
same whatever the number of workers or the order they finish in.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

from pipelines.demo.app_entries import app_first_week, checkin_documents
from pipelines.demo.club import Athlete, pace_trend_direction
from pipelines.demo.ostrc_injuries import Injury, ostrc_weeks
from pipelines.demo.routes import athlete_routes
from pipelines.demo.running_form import FormWatch, dynamics_records, form_watch, watch_rating
from pipelines.demo.runs import ActivityPlan, Recording, record_activities
from pipelines.demo.season import Season, plan_season
from pipelines.demo.strength import StrengthTrend, plan_strength, strength_trend
from pipelines.demo.writers_fit import fit_bytes
from pipelines.demo.writers_gpx import gpx_bytes
from pipelines.demo.writers_strava import ExportedActivity, strava_export_zip
from pipelines.demo.writers_strength import club_csv, club_rows, hevy_csv, strong_csv
from pipelines.demo.writers_tcx import tcx_bytes
from pipelines.settings import FORMS_FOLDER

GZIP_SHARE = 0.05
BATCH = {True: 48, False: 1024}  # activities simulated together: bounded memory at 1 s steps
COARSE_EVERY_S = 60.0  # large clubs: one GPX point a minute
STRAVA_FIT_SHARE = 0.7  # the Strava member's uploads: mostly from a watch, some from a phone app


@dataclass(frozen=True)
class AthleteJob:
    """What a worker needs to produce one athlete."""

    athlete: Athlete
    seed: int
    home: Path
    monday: date
    weeks: int
    streams: bool


@dataclass
class AthleteOutput:
    """Counts for the summary, and the rows that go into the club's own files."""

    athlete_id: str
    activity_files: int = 0
    activities: int = 0
    running_activities: int = 0
    gps_points: int = 0
    strength_files: int = 0
    strength_sessions: int = 0
    strength_sets: int = 0  # working sets
    warmup_sets: int = 0  # logged in Strong or Hevy (the club's sheets list working sets only)
    bytes_written: int = 0
    running_hours: float = 0.0
    injuries: list[Injury] = field(default_factory=list)
    ostrc: list[tuple[date, tuple[int, int, int, int]]] = field(default_factory=list)  # the CSV's
    ostrc_style: str = "codes"
    checkin_weeks: list[date] = field(default_factory=list)  # answered in the app
    checkin_documents: int = 0
    checkin_corrections: int = 0
    club_strength_lines: list[str] = field(default_factory=list)
    watch_ratings: dict[str, int] = field(default_factory=dict)  # run start (UTC ISO) -> watch RPE
    truth: dict[str, object] = field(default_factory=dict)


def _generators(job: AthleteJob) -> list[np.random.Generator]:
    """Independent streams (routes, season, samples, strength, OSTRC, files, app entries, life,
    running form) for this athlete."""
    return [np.random.default_rng([job.seed, job.athlete.index, stream]) for stream in range(9)]


def _serial(athlete: Athlete) -> int:
    """The serial number of the member's watch."""
    return 3_400_000_000 + 7919 * athlete.index


def _garmin_id(rec: Recording, index: int) -> int:
    return 10_000_000_000 + (int(rec.t[0]) - 1_600_000_000) * 3 + index


def _fit_file(
    job: AthleteJob,
    rec: Recording,
    watch: FormWatch | None,
    rng: np.random.Generator,
    out: AthleteOutput,
) -> bytes:
    """A FIT file from the member's watch: running dynamics and a watch rating on runs when the
    watch records them."""
    serial = _serial(job.athlete)
    if watch is None or rec.plan.sport != "running":
        return fit_bytes(rec, serial, job.athlete.fit_style)
    rec, dynamics = dynamics_records(watch, rec, rng)
    rating = watch_rating(watch, rec, rng)
    if rating is not None:
        start = datetime.fromtimestamp(int(rec.t[0]), UTC)
        out.watch_ratings[start.isoformat().replace("+00:00", "Z")] = rating[0]
    return fit_bytes(rec, serial, job.athlete.fit_style, dynamics, rating)


def _activity_file(
    job: AthleteJob, rec: Recording, number: int, fit: Callable[[Recording], bytes]
) -> tuple[str, bytes]:
    """The file name and bytes the member's watch or app would export."""
    athlete = job.athlete
    if not job.streams:
        return f"activity_{_garmin_id(rec, number)}.gpx", gpx_bytes(rec, compact=True)
    if athlete.activity_format == "fit":
        start = datetime.fromtimestamp(int(rec.t[0]), UTC)
        return f"{start:%Y-%m-%d-%H-%M-%S}.fit", fit(rec)
    if athlete.activity_format == "tcx":
        return f"activity_{_garmin_id(rec, number)}.tcx", tcx_bytes(rec, _serial(athlete))
    return f"activity_{_garmin_id(rec, number)}.gpx", gpx_bytes(rec)


def _write(path: Path, data: bytes, out: AthleteOutput) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    out.bytes_written += len(data)


def _strava_item(
    rec: Recording, number: int, athlete: Athlete, rng: np.random.Generator
) -> ExportedActivity:
    """One activity as Strava keeps it: the uploaded original, under ids Strava made up."""
    fit = rng.random() < STRAVA_FIT_SHARE
    original = (
        fit_bytes(rec, 3_400_000_000 + athlete.index, athlete.fit_style) if fit else gpx_bytes(rec)
    )
    activity_id = 9_000_000_000 + (7 * _garmin_id(rec, number)) % 1_000_000_000
    return ExportedActivity(
        rec, original, "fit" if fit else "gpx", activity_id, activity_id + 796_077_048
    )


def _recordings(
    job: AthleteJob, plans: list[ActivityPlan], rng: np.random.Generator
) -> Iterator[Recording]:
    """The season's recordings, simulated a batch at a time."""
    size = BATCH[job.streams]
    every = None if job.streams else COARSE_EVERY_S
    for i in range(0, len(plans), size):
        yield from record_activities(plans[i : i + size], rng, every)


def _activities(
    job: AthleteJob,
    out: AthleteOutput,
    season: Season,
    rngs: list[np.random.Generator],
    watch: FormWatch | None,
) -> None:
    """Simulate and write every activity: single files, or one Strava export for its member."""
    athlete = job.athlete
    inbox = job.home / "inbox" / athlete.athlete_id
    exported: list[ExportedActivity] = []

    def fit(rec: Recording) -> bytes:
        return _fit_file(job, rec, watch, rngs[8], out)

    for number, rec in enumerate(_recordings(job, season.activities, rngs[2])):
        out.activities += 1
        out.running_activities += rec.plan.sport == "running"
        out.gps_points += len(rec.t)
        if athlete.via_strava and job.streams:
            exported.append(_strava_item(rec, number, athlete, rngs[5]))
            continue
        name, data = _activity_file(job, rec, number, fit)
        if rngs[5].random() < GZIP_SHARE:
            name, data = name + ".gz", gzip.compress(data, mtime=0)
        _write(inbox / name, data, out)
        out.activity_files += 1
    if exported:
        export_day = job.monday + timedelta(days=7 * job.weeks)
        zipped = strava_export_zip(exported, export_day)
        _write(inbox / f"export_{41_000_000 + athlete.index}.zip", zipped, out)
        out.activity_files += 1


def _ostrc(
    job: AthleteJob, out: AthleteOutput, season: Season, rngs: list[np.random.Generator]
) -> None:
    """Most members answer OSTRC, on ~80% of weeks: the coach's sheet holds the earlier weeks (a
    few write texts or ISO weeks), the last weeks arrive as app check-ins (app_entries)."""
    rng = rngs[4]
    if rng.random() >= 0.95:
        return
    rate = rng.uniform(0.7, 0.95)
    answered = ostrc_weeks(rng, season.status[: 7 * job.weeks], season.onset_days, rate)
    first_app = app_first_week(job.weeks)
    out.ostrc = [
        (job.monday + timedelta(days=7 * w), answers) for w, answers in answered if w < first_app
    ]
    out.ostrc_style = str(rng.choice(["codes", "text", "iso_week"], p=[0.85, 0.1, 0.05]))
    checkins = checkin_documents(
        rngs[6],
        job.seed,
        job.athlete.athlete_id,
        job.athlete.city.time_zone,
        answered,
        season.injuries,
        season.onset_days,
        job.monday,
        job.weeks,
    )
    forms = job.home / "inbox" / job.athlete.athlete_id / FORMS_FOLDER
    for name, data in checkins.documents.items():
        _write(forms / name, data, out)
    out.checkin_weeks = checkins.weeks
    out.checkin_documents = len(checkins.documents)
    out.checkin_corrections = checkins.corrections


def _strength(
    job: AthleteJob, out: AthleteOutput, trend: StrengthTrend, rng: np.random.Generator
) -> None:
    """Write the strength log in the member's app format, or return club-sheet rows."""
    athlete = job.athlete
    sessions = plan_strength(athlete, job.monday, job.weeks, trend, rng)
    if not sessions:
        return
    out.strength_sessions = len(sessions)
    out.strength_sets = sum(s.set_type != "warmup" for session in sessions for s in session.sets)
    if athlete.strength_channel in ("strong", "hevy"):
        out.warmup_sets = sum(s.set_type == "warmup" for session in sessions for s in session.sets)
    inbox = job.home / "inbox" / athlete.athlete_id
    unit = athlete.weight_unit
    if athlete.strength_channel == "strong":
        _write(inbox / "strong.csv", strong_csv(sessions, unit, athlete.index % 2 == 1), out)
        out.strength_files += 1
    elif athlete.strength_channel == "hevy":
        _write(inbox / "workouts.csv", hevy_csv(sessions, unit), out)
        out.strength_files += 1
    elif athlete.strength_channel == "club_inbox":
        named = athlete.athlete_id if athlete.index % 2 == 0 else ""
        for year in sorted({s.day.year for s in sessions}):
            lines = club_rows([s for s in sessions if s.day.year == year], named, unit, rng)
            _write(inbox / f"strength_log_{year}.csv", club_csv(lines), out)
            out.strength_files += 1
    else:
        out.club_strength_lines = club_rows(sessions, athlete.athlete_id, unit, rng)


def build_athlete(job: AthleteJob) -> AthleteOutput:
    """Write one member's files and return what the club's files and the truth need from them."""
    athlete = job.athlete
    out = AthleteOutput(athlete.athlete_id)
    rngs = _generators(job)
    routes, ride = athlete_routes(rngs[0], athlete.city, athlete.home)
    season = plan_season(athlete, routes, ride, job.monday, job.weeks, rngs[1], rngs[7])
    watch = form_watch(athlete, job.monday, job.weeks, rngs[8]) if job.streams else None
    _activities(job, out, season, rngs, watch)
    out.injuries = season.injuries
    out.running_hours = float(season.running_hours.sum())
    _ostrc(job, out, season, rngs)
    trend = strength_trend(athlete, job.monday, job.weeks, rngs[3])
    _strength(job, out, trend, rngs[3])
    direction, slope = pace_trend_direction(athlete.weekly_pace)
    adherence = athlete.adherence
    out.truth = {
        "enrolled": athlete.enrolled,
        "planted_adherence": None if adherence is None else round(adherence, 4),
        "adherence_band": athlete.band,
        "pace_trend_direction": direction,
        "pace_slope_s_per_km_per_4wk": round(slope, 3),
        # planted flat-equivalent easy pace, last week vs first (negative = faster), before noise
        "planted_season_pace_change_pct": round(
            100.0 * (athlete.weekly_pace[-1] / athlete.weekly_pace[0] - 1.0), 2
        ),
        "running_related_injuries": sum(i.running_related for i in out.injuries),
        "running_hours": round(out.running_hours, 2),
        "city": athlete.city.name,
        "activity_format": "strava_export" if athlete.via_strava else athlete.activity_format,
        "strength_channel": athlete.strength_channel,
        "running_form": None
        if watch is None
        else watch.truth() | {"watch_rpe_runs": dict(sorted(out.watch_ratings.items()))},
        "strength": None
        if athlete.strength_channel is None
        else trend.truth() | {"warmup_sets_logged": out.warmup_sets},
    }
    return out
