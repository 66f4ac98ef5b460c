"""Parsed activities in, each one's `activities` row (minus the pipeline's keys) and cleaned samples
out: a batch at once (`summarize_many`), one activity as a batch of one (`summarize`).

Choices made here (METRICS.md leaves them open):
- sport: the file's; when it names none, inferred from the median moving speed
  (`sport_from_speed`), with a warning saying which, before the spike filter uses its limit.
- distance_m: the device's stated total when the parser gives one (a FIT session, TCX laps that
  are the record, a GPX recorder's TrackStatsExtension: the recorder measured all its fixes, the
  export may hold fewer), else the maximum of a distance stream that grows, else haversine over
  cleaned fixes; 'none' and 0 without any of them.
- Before anything else (`plausible`): points dated before 1990 or in the future are left out (a
  file with no possible time is refused), and a file with times but nothing measured is refused.
- elapsed_s / timer_s: the device's figures when stated, else from the samples (`cleaning`); when
  the device's figures contradict each other or the points, the points' (`plausible`), with a
  warning. Timer never exceeds elapsed.
- moving_s: from the samples, never more than timer_s (timer_s itself when the samples are partial).
- pace_s_per_km / gap_s_per_km: over moving intervals only (see `run_metrics`), so stops at lights
  do not slow them.
- avg_hr: the device's figure when stated and not a "no reading" mark, else time-weighted over timer intervals; avg_cadence is
  time-weighted over moving intervals, in the unit the file records.
- elev_gain_m: None when the file has no elevation.
- Pace, GAP, best efforts, EF and decoupling only for running sports; TRIMP for any sport with HR
  when the roster gives hr_rest and hr_max.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TypedDict

import numpy as np
import polars as pl

from pipelines.activity.cleaning import (
    ACTIVITY,
    SAMPLE_COLUMNS,
    CleanTracks,
    TrackReport,
    clean_tracks,
    elevation_gain_m,
)
from pipelines.activity.plausible import (
    EPOCH,
    Durations,
    PointTimes,
    consistent_durations,
    latest_plausible,
    plausible_device_hr,
    possible_points,
    possible_start,
    refuse_empty_recording,
)
from pipelines.activity.run_metrics import (
    BEST_EFFORTS_M,
    banister_trimp,
    running_figures,
    trimp_weights,
)
from pipelines.activity.timezones import local_calendar, resolve_time_zone
from pipelines.parsers.schemas import SAMPLE_SCHEMA, ParsedActivity, ParseError
from pipelines.settings import RUNNING_SPORTS, Thresholds

DEFAULT_THRESHOLDS = Thresholds()


class ActivitySummary(TypedDict):
    """An `activities` row as summarize produces it: every column but the pipeline's own
    (activity_id, athlete_id, file_sha256, source, duplicate_of, loaded_at)."""

    source_format: str
    name: str | None
    sport: str
    is_running: bool
    start_utc: datetime
    time_zone: str
    time_zone_source: str
    start_local: datetime
    local_date: date
    iso_year: int
    iso_week: int
    week_start: date
    distance_m: float
    distance_source: str
    elapsed_s: float
    timer_s: float
    moving_s: float
    elev_gain_m: float | None
    avg_hr: float | None
    max_hr: float | None
    avg_cadence: float | None
    n_points: int
    has_hr: bool
    pace_s_per_km: float | None
    gap_s_per_km: float | None
    best_1k_s: float | None
    best_5k_s: float | None
    best_10k_s: float | None
    ef: float | None
    decoupling_pct: float | None
    is_steady: bool
    trimp: float | None
    warnings: list[str]


dt, hr, timer, moving = pl.col("dt_s"), pl.col("hr"), pl.col("timer"), pl.col("moving")


@dataclass(frozen=True)
class SummaryInput:
    """One parsed activity to summarise, with what the roster says about its athlete."""

    activity: ParsedActivity
    fallback_tz: str
    hr_rest: float | None = None
    hr_max: float | None = None
    sex: str | None = None

    @property
    def has_trimp_range(self) -> bool:
        """The roster gives a heart-rate range TRIMP can be weighted by."""
        return self.hr_rest is not None and self.hr_max is not None and self.hr_max > self.hr_rest


# An activity's summary row and its cleaned samples (SAMPLE_COLUMNS), or why it was refused.
Summarized = tuple[ActivitySummary, pl.DataFrame]


def time_weighted_mean(value: pl.Expr, over: pl.Expr) -> pl.Expr:
    """Mean of `value` weighted by interval length over the intervals in `over` that have a value.

    Falls back to the plain mean when those intervals last no time (a single-point activity).
    """
    kept = over & value.is_not_null()
    seconds = dt.filter(kept).sum()
    return (
        pl.when(seconds > 0).then((value * dt).filter(kept).sum() / seconds).otherwise(value.mean())
    )


# what sample_totals gives an activity without samples
NO_TOTALS = {
    "timer_s": 0.0,
    "moving_s": 0.0,
    "stream_distance_m": None,
    "first_lat": None,
    "first_lon": None,
    "avg_hr": None,
    "max_hr": None,
    "avg_cadence": None,
    "trimp": None,
    "has_hr": False,
    "has_ele": False,
    "span_s": 0.0,
}


def sample_totals(tracks: CleanTracks, items: list[SummaryInput]) -> list[dict]:
    """Durations, distance, first fix, HR, cadence and TRIMP summed over each activity's cleaned
    samples (`items` by ACTIVITY), every activity of the batch at once."""
    keys = tracks.samples.get_column(ACTIVITY).to_numpy()
    weights = [trimp_weights(item.sex) for item in items]
    roster = {
        "hr_rest": [item.hr_rest if item.has_trimp_range else None for item in items],
        "hr_max": [item.hr_max if item.has_trimp_range else None for item in items],
        "trimp_k": [k for k, _ in weights],
        "trimp_b": [b for _, b in weights],
    }
    rows = (
        tracks.samples.with_columns(
            pl.Series(name, np.asarray(values, dtype=np.float64)[keys])
            for name, values in roster.items()
        )
        .group_by(ACTIVITY)
        .agg(
            timer_s=dt.filter(timer).sum(),
            moving_s=dt.filter(moving).sum(),
            stream_distance_m=pl.col("dist_m").max(),
            first_lat=pl.col("lat").drop_nulls().first(),
            first_lon=pl.col("lon").drop_nulls().first(),
            avg_hr=time_weighted_mean(hr, timer),
            max_hr=hr.max(),
            avg_cadence=time_weighted_mean(pl.col("cad"), moving),
            trimp=banister_trimp(),
            has_hr=hr.is_not_null().any(),
            has_ele=pl.col("ele").is_not_null().any(),
            span_s=pl.col("ts").last() - pl.col("ts").first(),
        )
        .rows(named=True)
    )
    totals = dict.fromkeys(range(len(items)), NO_TOTALS) | {row[ACTIVITY]: row for row in rows}
    # TRIMP needs readings and the athlete's range (the sum over no readings is 0, not unknown)
    weighted = [totals[key]["has_hr"] and item.has_trimp_range for key, item in enumerate(items)]
    return [
        totals[key] | {"trimp": totals[key]["trimp"] if weighted[key] else None}
        for key in range(len(items))
    ]


def start_of(start: datetime | None, points: PointTimes) -> datetime:
    """The activity's start as an aware UTC datetime: the file's (possible) start, else its first
    possible point's time."""
    if start is None:
        start = points.first
    if start is None:
        raise ParseError(
            "the activity has no start time and no timed points",
            "export the activity again from the watch or app; a planned route is not a run",
        )
    return start.replace(tzinfo=UTC) if start.tzinfo is None else start.astimezone(UTC)


def positive(value: float | None) -> float | None:
    """`value` when it is a positive finite number, else None."""
    return value if value is not None and math.isfinite(value) and value > 0 else None


def median_moving_speeds(tracks: CleanTracks) -> dict[int, float]:
    """Each activity's median moving speed (km/h), weighted by time over moving intervals (half
    the moving time went faster); activities without distance or moving intervals have none."""
    return dict(
        tracks.samples.filter(moving)
        .select(ACTIVITY, kmh=pl.col("step_m") / dt * 3.6, dt_s=dt)
        .sort(ACTIVITY, "kmh")
        .filter(dt.cum_sum().over(ACTIVITY) >= dt.sum().over(ACTIVITY) / 2)
        .group_by(ACTIVITY)
        .agg(pl.col("kmh").first())
        .rows()
    )


def sport_from_speed(median: float | None, thresholds: Thresholds) -> tuple[str, str]:
    """The sport of an activity whose file names none, from its median moving speed, and a warning.

    The median (`median_moving_speeds`) barely moves with stops, GPS spikes and a sprint finish.
    Running only when it fits running speeds (`Thresholds.running_speed_min_kmh` to
    `running_speed_max_kmh`); walking below, cycling above.
    """
    if median is None:
        return "other", "no activity type in the file and no speeds to judge it by: taken as other"
    if median < thresholds.running_speed_min_kmh:
        sport = "walking"
    elif median <= thresholds.running_speed_max_kmh:
        sport = "running"
    else:
        sport = "cycling"
    return sport, (
        f"no activity type in the file: taken as {sport} from its speeds "
        f"(median moving {median:.0f} km/h)"
    )


def batch_samples(activities: list[ParsedActivity]) -> pl.DataFrame:
    """The activities' samples one after another, keyed by ACTIVITY (their index in the list); a
    column a frame holds as all-null literals (dtype Null) takes its SAMPLE_SCHEMA type."""
    heights = [activity.samples.height for activity in activities]
    keys = np.repeat(np.arange(len(activities), dtype=np.uint32), heights)
    frame = pl.concat([activity.samples for activity in activities], how="vertical_relaxed")
    untyped = {
        name: SAMPLE_SCHEMA[name] for name, dtype in frame.schema.items() if dtype == pl.Null
    }
    return frame.cast(untyped).with_columns(pl.Series(ACTIVITY, keys).set_sorted())


def summarize(
    activity: ParsedActivity,
    fallback_tz: str,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    hr_rest: float | None = None,
    hr_max: float | None = None,
    sex: str | None = None,
) -> Summarized:
    """The activity's summary row and its cleaned samples (SAMPLE_COLUMNS); ParseError when the
    file's times are all impossible or it recorded nothing. A batch of one (`summarize_many`)."""
    (outcome,) = summarize_many(
        [SummaryInput(activity, fallback_tz, hr_rest, hr_max, sex)], thresholds
    )
    if isinstance(outcome, ParseError):
        raise outcome
    return outcome


def summarize_many(
    items: list[SummaryInput], thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> list[Summarized | ParseError]:
    """Each activity's summary row and cleaned samples, or the ParseError that refused it (all its
    times impossible, nothing recorded), in the order of `items`.

    The batch's samples are cleaned and summed in one frame keyed by ACTIVITY, each activity's
    choices (sport, distance source, running or not) as columns: polars costs ~0.1-0.5 ms a call
    whatever the rows, so a call per activity cost more than the work on small files. Each
    activity's figures are those it would get alone.
    """
    if not items:
        return []
    activities = [item.activity for item in items]
    latest = latest_plausible()
    samples, points = possible_points(batch_samples(activities), ACTIVITY, len(items), latest)
    outcomes: list[Summarized | ParseError | None] = [None] * len(items)
    starts, time_warnings = [EPOCH] * len(items), [[] for _ in items]
    for key, activity in enumerate(activities):
        try:
            start, time_warnings[key] = possible_start(activity, points[key], latest)
            refuse_empty_recording(activity, points[key])
            starts[key] = start_of(start, points[key])
        except ParseError as err:
            outcomes[key] = err
    refused = [key for key, outcome in enumerate(outcomes) if outcome is not None]
    if refused:
        samples = samples.filter(~pl.col(ACTIVITY).is_in(refused))

    # an unnamed sport is 'other' (the widest spike limit) until its speeds name it
    sports = [activity.sport if activity.sport is not None else "other" for activity in activities]
    sport_warnings: list[list[str]] = [[] for _ in items]
    unnamed = [key for key, a in enumerate(activities) if a.sport is None and key not in refused]
    if unnamed:
        # cleaned first as 'other', then again with the inferred sport's spike limit
        first = clean_tracks(
            samples.filter(pl.col(ACTIVITY).is_in(unnamed)), sports, starts, thresholds
        )
        medians = median_moving_speeds(first)
        for key in unnamed:
            has_speeds = first.reports[key].distance_source != "none"
            sports[key], warning = sport_from_speed(
                medians.get(key) if has_speeds else None, thresholds
            )
            sport_warnings[key].append(warning)
    tracks = clean_tracks(samples, sports, starts, thresholds)
    totals = sample_totals(tracks, items)
    durations = [durations_of(a, totals[key]) for key, a in enumerate(activities)]
    runs = [
        key
        for key in range(len(items))
        if outcomes[key] is None
        and sports[key] in RUNNING_SPORTS
        and tracks.reports[key].distance_source != "none"
        and durations[key][1] > 0
    ]
    figures = running_figures(tracks.samples, [tracks.bounds[key] for key in runs], thresholds)
    running = dict.fromkeys(range(len(items)), NOT_A_RUN) | dict(zip(runs, figures, strict=True))
    cleaned = tracks.samples.select(SAMPLE_COLUMNS)
    ele_smooth = tracks.samples.get_column("ele_smooth").to_numpy()
    for key, item in enumerate(items):
        if outcomes[key] is not None:
            continue
        rows = tracks.bounds[key]
        summary = summary_row(
            item,
            sports[key],
            starts[key],
            tracks.reports[key],
            totals[key],
            durations[key],
            running[key],
            [*time_warnings[key], *sport_warnings[key]],
            ele_smooth[rows],
            thresholds,
        )
        outcomes[key] = (summary, cleaned.slice(rows.start, rows.stop - rows.start))
    return outcomes


# the running figures of an activity that is not a run (or has no distance or moving time)
NOT_A_RUN = {
    "pace_s_per_km": None,
    "gap_s_per_km": None,
    **dict.fromkeys(BEST_EFFORTS_M),
    "ef": None,
    "decoupling_pct": None,
    "is_steady": False,
}


def durations_of(activity: ParsedActivity, totals: dict) -> tuple[Durations, float]:
    """Elapsed and timer time (`consistent_durations`) and moving seconds, never above the timer."""
    durations = consistent_durations(
        activity.device_elapsed_s,
        activity.device_timer_s,
        totals["span_s"],
        totals["timer_s"],
        activity.samples_partial,
    )
    # points covering only part of the laps cannot measure the stops: the timer is the best figure
    moving_s = (
        durations.timer_s
        if activity.samples_partial
        else float(min(totals["moving_s"], durations.timer_s))
    )
    return durations, moving_s


def summary_row(
    item: SummaryInput,
    sport: str,
    start_utc: datetime,
    track: TrackReport,
    totals: dict,
    durations: tuple[Durations, float],
    running: dict,
    warnings: list[str],
    ele_smooth: np.ndarray,
    thresholds: Thresholds,
) -> ActivitySummary:
    """The activity's row from what the batch computed for it (`ele_smooth`: its cleaned samples'
    smoothed elevation)."""
    activity = item.activity
    if positive(activity.device_distance_m):
        distance_source, distance_m = "device", activity.device_distance_m
    elif track.distance_source != "none":
        distance_source, distance_m = track.distance_source, totals["stream_distance_m"] or 0.0
    else:
        distance_source, distance_m = "none", 0.0
    stated, moving_s = durations
    time_zone, time_zone_source = resolve_time_zone(
        totals["first_lat"], totals["first_lon"], item.fallback_tz
    )
    calendar = local_calendar(start_utc, time_zone)
    return {
        "source_format": activity.source_format,
        "name": activity.name,
        "sport": sport,
        "is_running": sport in RUNNING_SPORTS,
        "start_utc": start_utc,
        "time_zone": time_zone,
        "time_zone_source": time_zone_source,
        "start_local": calendar.start_local,
        "local_date": calendar.local_date,
        "iso_year": calendar.iso_year,
        "iso_week": calendar.iso_week,
        "week_start": calendar.week_start,
        "distance_m": float(distance_m),
        "distance_source": distance_source,
        "elapsed_s": stated.elapsed_s,
        "timer_s": stated.timer_s,
        "moving_s": moving_s,
        "elev_gain_m": elevation_gain_m(ele_smooth, thresholds.elevation_hysteresis_m)
        if totals["has_ele"]
        else None,
        "avg_hr": plausible_device_hr(activity.device_avg_hr) or totals["avg_hr"],
        "max_hr": totals["max_hr"],
        "avg_cadence": totals["avg_cadence"],
        "n_points": ele_smooth.size,
        "has_hr": totals["has_hr"],
        "pace_s_per_km": running["pace_s_per_km"],
        "gap_s_per_km": running["gap_s_per_km"],
        "best_1k_s": running["best_1k_s"],
        "best_5k_s": running["best_5k_s"],
        "best_10k_s": running["best_10k_s"],
        "ef": running["ef"],
        "decoupling_pct": running["decoupling_pct"],
        "is_steady": running["is_steady"],
        "trimp": totals["trimp"],
        "warnings": [*activity.warnings, *warnings, *track.warnings, *stated.warnings],
    }
