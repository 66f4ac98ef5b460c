"""One parsed activity in, its `activities` row (minus the pipeline's keys) and cleaned samples out.

Choices made here (METRICS.md leaves them open):
- sport: the file's; when it names none, inferred from the median moving speed
  (`sport_from_speeds`), with a warning saying which, before the spike filter uses its limit.
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
from datetime import UTC, date, datetime
from typing import TypedDict

import polars as pl

from pipelines.activity.cleaning import SAMPLE_COLUMNS, CleanTrack, clean_track, elevation_gain_m
from pipelines.activity.plausible import (
    consistent_durations,
    latest_plausible,
    plausible_device_hr,
    refuse_empty_recording,
    with_possible_times,
)
from pipelines.activity.run_metrics import BEST_EFFORTS_M, banister_trimp, running_figures
from pipelines.activity.timezones import local_calendar, resolve_time_zone
from pipelines.parsers.schemas import ParsedActivity, ParseError
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


def time_weighted_mean(value: pl.Expr, over: pl.Expr) -> pl.Expr:
    """Mean of `value` weighted by interval length over the intervals in `over` that have a value.

    Falls back to the plain mean when those intervals last no time (a single-point activity).
    """
    kept = over & value.is_not_null()
    seconds = dt.filter(kept).sum()
    return (
        pl.when(seconds > 0).then((value * dt).filter(kept).sum() / seconds).otherwise(value.mean())
    )


def sample_totals(
    samples: pl.DataFrame, hr_rest: float | None, hr_max: float | None, sex: str | None
) -> dict:
    """Durations, distance, first fix, HR, cadence and TRIMP summed over cleaned samples."""
    has_hr = samples.get_column("hr").null_count() < samples.height
    optional = {
        "avg_hr": time_weighted_mean(hr, timer) if has_hr else None,
        "max_hr": hr.max() if has_hr else None,
        "avg_cadence": time_weighted_mean(pl.col("cad"), moving)
        if samples.get_column("cad").null_count() < samples.height
        else None,
        "trimp": banister_trimp(hr_rest, hr_max, sex)
        if has_hr and hr_rest is not None and hr_max is not None and hr_max > hr_rest
        else None,
    }
    totals = samples.select(
        timer_s=dt.filter(timer).sum(),
        moving_s=dt.filter(moving).sum(),
        stream_distance_m=pl.col("dist_m").max(),
        first_lat=pl.col("lat").drop_nulls().first(),
        first_lon=pl.col("lon").drop_nulls().first(),
        **{name: expr for name, expr in optional.items() if expr is not None},
    ).row(0, named=True)
    ts = samples.get_column("ts")
    return {
        **dict.fromkeys(optional),
        **totals,
        "has_hr": has_hr,
        "has_ele": samples.get_column("ele").null_count() < samples.height,
        "span_s": ts[-1] - ts[0] if samples.height else 0.0,
    }


def start_of(activity: ParsedActivity) -> datetime:
    """The activity's start as an aware UTC datetime: the file's summary, else its first sample."""
    start = activity.start_utc
    if start is None:
        start = activity.samples.get_column("t").drop_nulls().min()
    if start is None:
        raise ParseError(
            "the activity has no start time and no timed points",
            "export the activity again from the watch or app; a planned route is not a run",
        )
    return start.replace(tzinfo=UTC) if start.tzinfo is None else start.astimezone(UTC)


def positive(value: float | None) -> float | None:
    """`value` when it is a positive finite number, else None."""
    return value if value is not None and math.isfinite(value) and value > 0 else None


def sport_from_speeds(track: CleanTrack, thresholds: Thresholds) -> tuple[str, str]:
    """The sport of an activity whose file names none, from its median moving speed, and a warning.

    The median is weighted by time over moving intervals (half the moving time went faster), so
    stops, GPS spikes and a sprint finish barely move it. Running only when it fits running speeds
    (`Thresholds.running_speed_min_kmh` to `running_speed_max_kmh`); walking below, cycling above.
    """
    speeds = (
        track.samples.filter(moving)
        .select(kmh=pl.col("step_m") / dt * 3.6, dt_s=dt)
        .sort("kmh")
        .filter(pl.col("dt_s").cum_sum() >= pl.col("dt_s").sum() / 2)
        .get_column("kmh")
        if track.distance_source != "none"
        else pl.Series(dtype=pl.Float64)
    )
    if speeds.is_empty():
        return "other", "no activity type in the file and no speeds to judge it by: taken as other"
    median = speeds[0]
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


def summarize(
    activity: ParsedActivity,
    fallback_tz: str,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    hr_rest: float | None = None,
    hr_max: float | None = None,
    sex: str | None = None,
) -> tuple[ActivitySummary, pl.DataFrame]:
    """The activity's summary row and its cleaned samples (SAMPLE_COLUMNS); ParseError when the
    file's times are all impossible or it recorded nothing."""
    activity, time_warnings = with_possible_times(activity, latest_plausible())
    refuse_empty_recording(activity)
    start_utc = start_of(activity)
    sport, sport_warnings = activity.sport, []
    if sport is None:
        # cleaned first with the widest spike limit ('other'), then again with the inferred sport's
        unnamed = clean_track(activity.samples, "other", start_utc, thresholds)
        sport, warning = sport_from_speeds(unnamed, thresholds)
        sport_warnings.append(warning)
    track = clean_track(activity.samples, sport, start_utc, thresholds)
    samples = track.samples
    totals = sample_totals(samples, hr_rest, hr_max, sex)

    if positive(activity.device_distance_m):
        distance_source, distance_m = "device", activity.device_distance_m
    elif track.distance_source != "none":
        distance_source, distance_m = track.distance_source, totals["stream_distance_m"] or 0.0
    else:
        distance_source, distance_m = "none", 0.0

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
    is_running = sport in RUNNING_SPORTS
    time_zone, time_zone_source = resolve_time_zone(
        totals["first_lat"], totals["first_lon"], fallback_tz
    )
    calendar = local_calendar(start_utc, time_zone)

    running = {
        "pace_s_per_km": None,
        "gap_s_per_km": None,
        **dict.fromkeys(BEST_EFFORTS_M),
        "ef": None,
        "decoupling_pct": None,
        "is_steady": False,
    }
    if is_running and track.distance_source != "none" and moving_s > 0:
        running = running_figures(samples, thresholds)

    summary: ActivitySummary = {
        "source_format": activity.source_format,
        "name": activity.name,
        "sport": sport,
        "is_running": is_running,
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
        "elapsed_s": durations.elapsed_s,
        "timer_s": durations.timer_s,
        "moving_s": moving_s,
        "elev_gain_m": elevation_gain_m(
            samples.get_column("ele_smooth").to_numpy(), thresholds.elevation_hysteresis_m
        )
        if totals["has_ele"]
        else None,
        "avg_hr": plausible_device_hr(activity.device_avg_hr) or totals["avg_hr"],
        "max_hr": totals["max_hr"],
        "avg_cadence": totals["avg_cadence"],
        "n_points": samples.height,
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
        "warnings": [
            *activity.warnings,
            *time_warnings,
            *sport_warnings,
            *track.warnings,
            *durations.warnings,
        ],
    }
    return summary, samples.select(SAMPLE_COLUMNS)
