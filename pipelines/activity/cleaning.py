"""Cleaning activities' samples: GPS spikes, points at 0,0, distance, timer/moving time, elevation.

Every step is a polars expression over a batch's sample frame (each activity's samples in time
order, one activity after another, keyed by ACTIVITY), windowed over ACTIVITY wherever it looks at
other samples, so each activity is cleaned as if alone; `clean_tracks` applies them stage by stage to
a whole batch at once (`clean_track`: one activity). Choices METRICS.md leaves open are fields of
`settings.Thresholds`:

- Spikes: a fix whose implied speed from the previous fix exceeds the sport's limit (for 'other',
  the highest of any sport's: `spike_speed_limit`) starts a new "run" of fixes; runs of at most
  `spike_max_points` fixes are dropped (an excursion that jumps out and back, or junk before the
  GPS locks), except that the largest run is always kept. This is the vectorised
  form of "drop a point implying > 12 m/s from its kept predecessor". Implied speeds use a time step of
  at least 1 s so sub-second jitter is not mistaken for a spike. A dropped point keeps its time, HR and
  cadence; only its position is nulled (as for points at exactly 0,0).
- Distance: the device's cumulative distance when the file has one that grows, else haversine over
  kept fixes. The straight line across a segment break counts when the break lasts at most
  `pause_gap_s` (a lap split: TCX starts a Track per lap) and not across a longer one (the watch was
  paused). A remaining step that implies more than the spike limit (a GPS relocation) adds no
  distance. Points without a position get a distance interpolated in time.
- Timer intervals: every interval between consecutive samples except one that crosses a segment
  break (the parsers start a segment after every pause, so timer time is the sum of the segments'
  spans). Gaps inside a segment count: smart recording leaves gaps of up to a minute while the
  timer runs (FR110: 52 s), and moving time is what excludes standing still. On the 56-pause Wahoo
  ride this gives 13415 s against the device's 13471 s; also counting breaks under 30 s gave +1.7%.
- Moving intervals: timer intervals whose speed exceeds `moving_speed_kmh` (device distance when
  present, else GPS). Without any distance (indoor rowing, treadmill without footpod) every timer
  interval is moving.
- Elevation: mean over `elevation_window_m` of distance centred on each sample, the window shrunk
  symmetrically near either end (the raw elevation when there is no distance); gain sums rises with
  `elevation_hysteresis_m` of hysteresis (see `elevation_gain_m`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

import numpy as np
import polars as pl

from pipelines.activity.plausible import (
    placeholder_counts,
    placeholder_warnings,
    sensor_readings,
)
from pipelines.settings import Thresholds

EARTH_RADIUS_M = 6_371_008.8  # IUGG mean radius: the best single radius for haversine

SAMPLE_COLUMNS = ("t", "elapsed_s", "lat", "lon", "ele", "ele_smooth", "dist_m", "hr", "cad", "seg")

has_fix = pl.col("lat").is_not_null()


def spike_speed_limit(sport: str, thresholds: Thresholds) -> float:
    """Highest believable speed (m/s) between two GPS fixes for this sport.

    'other' (a sport we do not know) gets the highest limit of all: a fast one must not lose real
    points as spikes (a ride held to the running limit lost 7% of its distance).
    """
    limits = {
        "cycling": thresholds.spike_speed_cycling_m_s,
        "skiing": thresholds.spike_speed_skiing_m_s,
    }
    if sport == "other":
        return max(thresholds.spike_speed_m_s, *limits.values())
    return limits.get(sport, thresholds.spike_speed_m_s)


def is_null_island() -> pl.Expr:
    """A position at exactly (0, 0): what some devices write when they have no fix."""
    return ((pl.col("lat") == 0) & (pl.col("lon") == 0)).fill_null(False)


def is_on_the_globe() -> pl.Expr:
    """A latitude within 90 degrees and a longitude within 180: a damaged record can hold anything."""
    return pl.col("lat").is_between(-90, 90) & pl.col("lon").is_between(-180, 180)


# Expression builders are cached: building a polars expression costs as much as running it on a
# few thousand rows, and the same few are needed for every activity.
@cache
def sample_basics() -> dict[str, pl.Expr]:
    """Seconds since the epoch, segment, sensors without their "no reading" marks, positions
    without (0, 0) or off the globe."""
    located = ~is_null_island() & is_on_the_globe()
    return {
        "ts": pl.col("t").dt.epoch("us").cast(pl.Float64) / 1e6,
        "seg": pl.col("seg").fill_null(0),
        **sensor_readings(),
        "null_island": is_null_island(),
        "lat": pl.when(located & pl.col("lon").is_not_null()).then("lat"),
        "lon": pl.when(located & pl.col("lat").is_not_null()).then("lon"),
    }


ACTIVITY = "activity"  # a batch's samples: the activity's index in the batch, in that order


def per_activity(expr: pl.Expr) -> pl.Expr:
    """`expr` evaluated over each activity's samples on its own (a window over the batch's key)."""
    return expr.over(ACTIVITY)


def previous_fix(name: str) -> pl.Expr:
    """Fix-only column `name` at the latest earlier sample that has a position."""
    return per_activity(pl.col(name).shift(1).forward_fill())


def haversine_from_previous_fix_m() -> pl.Expr:
    """Great-circle distance from the previous fix (haversine; null on samples without a position)."""
    half_dphi = ((pl.col("phi") - previous_fix("phi")) / 2).sin()
    half_dlam = ((pl.col("lam") - previous_fix("lam")) / 2).sin()
    a = half_dphi**2 + pl.col("cos_phi") * previous_fix("cos_phi") * half_dlam**2
    return 2 * EARTH_RADIUS_M * a.sqrt().arcsin()


def is_jump() -> pl.Expr:
    """A fix implying more than its activity's `limit_m_s` from the previous fix (time step
    floored at 1 s)."""
    too_fast = pl.col("fix_step_m") > pl.col("limit_m_s") * pl.col("fix_gap_s").clip(
        lower_bound=1.0
    )
    return too_fast.fill_null(False)


@cache
def fix_step_stages() -> tuple[dict[str, pl.Expr], ...]:
    """Each fix's distance, time and segment change from the previous fix, then whether it jumped."""
    return (
        {
            "phi": pl.col("lat").radians(),
            "lam": pl.col("lon").radians(),
            "cos_phi": pl.col("lat").radians().cos(),
            "fix_ts": pl.when(has_fix).then("ts"),
            "fix_seg": pl.when(has_fix).then("seg"),
        },
        {
            "fix_step_m": haversine_from_previous_fix_m(),
            "fix_gap_s": pl.col("ts") - previous_fix("fix_ts"),
            "fix_new_seg": pl.col("seg") != previous_fix("fix_seg"),
        },
        {"jump": is_jump()},
    )


def with_fix_steps(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with the columns of `fix_step_stages`."""
    for stage in fix_step_stages():
        frame = frame.with_columns(**stage)
    return frame


@cache
def is_gps_spike(max_points: int) -> pl.Expr:
    """Fixes in a run of at most `max_points` between jumps; the largest run always stays (an
    activity without a jump is one run: nothing is a spike).

    Runs are contiguous, so a run's fix count is the fix count at the next jump minus the one at its
    own start (cumulative counts instead of a group-by).
    """
    fixes_before = has_fix.cum_sum() - has_fix.cast(pl.UInt32)
    at_jump = pl.when(pl.col("jump")).then(fixes_before)
    run_start = at_jump.forward_fill().fill_null(0)
    run_end = at_jump.shift(-1).backward_fill().fill_null(has_fix.sum())
    fixes_in_run = run_end - run_start
    return per_activity(
        has_fix & (fixes_in_run <= max_points) & (fixes_in_run < fixes_in_run.max())
    )


def any_in_activity(expr: pl.Expr) -> pl.Expr:
    """Whether `expr` holds on any of the activity's samples, on each of them."""
    return per_activity(expr.any())


@cache
def gps_distance_m(pause_gap_s: float) -> pl.Expr:
    """Cumulated fix steps, adding nothing across a long pause or an implausible jump."""
    across_pause = pl.col("fix_new_seg") & (pl.col("fix_gap_s") > pause_gap_s)
    step = pl.when(across_pause | pl.col("jump")).then(0.0).otherwise(pl.col("fix_step_m"))
    cumulated = pl.when(has_fix).then(step.fill_null(0.0).cum_sum())
    return per_activity(filled_in_time(cumulated, pl.col("fix_gaps")))


@cache
def device_distance_m() -> pl.Expr:
    """The device's cumulative distance, never decreasing."""
    return per_activity(filled_in_time(pl.col("dist_m"), pl.col("device_gaps")).cum_max())


def filled_in_time(expr: pl.Expr, has_gaps: pl.Expr) -> pl.Expr:
    """Nulls between values interpolated in time (where `has_gaps`: the activity has some), nulls
    at either end held at the nearest value; within one activity (the caller windows it).

    Polars interpolates `before + (ts - ts_before) * slope`: between rising values never below the
    value before, but rounding can carry it past the value after (a null at the same instant as the
    next fix read 1e-15 m more than that fix, and the cumulative distance fell), so it is held at
    most the value after. Between falling values (a device distance reset) that holds it at the
    value after, which the caller's `cum_max` raises to the running maximum as before. A null
    between two values at the same instant interpolates to 0/0: it holds the earlier value instead
    (a NaN there broke the sorted distances best efforts search: a 1 km in 200 s at 3 m/s).
    """
    interpolated = expr.interpolate_by("ts").fill_nan(None).clip(upper_bound=expr.backward_fill())
    filled = pl.when(has_gaps).then(interpolated).otherwise(expr)
    return filled.forward_fill().backward_fill()


@cache
def distance_stage() -> dict[str, pl.Expr]:
    """Each activity's distance source and whether its device distance and its fixes have gaps,
    on each of its samples. The source is the device's stream when it grows (indoor rowing writes
    0 throughout: no distance measured), else the fixes ('gps'), else 'none'."""
    device = pl.col("dist_m")
    grows = per_activity(device.max() > device.min()).fill_null(False)
    return {
        "distance_source": pl.when(grows)
        .then(pl.lit("device"))
        .when(any_in_activity(has_fix))
        .then(pl.lit("gps"))
        .otherwise(pl.lit("none")),
        "device_gaps": any_in_activity(device.is_null()),
        "fix_gaps": any_in_activity(~has_fix),
    }


@cache
def distance_m(pause_gap_s: float) -> pl.Expr:
    """Cumulative distance from the activity's distance source (null without one)."""
    source = pl.col("distance_source")
    return (
        pl.when(source == "device")
        .then(device_distance_m())
        .when(source == "gps")
        .then(gps_distance_m(pause_gap_s))
    )


def is_timer_interval() -> pl.Expr:
    """The interval ending at this sample ran on the timer: it does not cross a segment break."""
    return per_activity(pl.col("seg") == pl.col("seg").shift(1)).fill_null(True)


def is_moving_interval(moving_speed_kmh: float) -> pl.Expr:
    """A timer interval covered faster than `moving_speed_kmh` (every timer interval of an activity
    without distance)."""
    ticking = pl.col("timer") & (pl.col("dt_s") > 0)
    fast = pl.col("step_m") > moving_speed_kmh / 3.6 * pl.col("dt_s")
    return ticking & ((pl.col("distance_source") == "none") | fast)


@cache
def interval_stages(moving_speed_kmh: float) -> tuple[dict[str, pl.Expr], ...]:
    """Interval length, distance step, and whether the timer ran and the athlete moved."""
    return (
        {
            "dt_s": per_activity(pl.col("ts").diff()).fill_null(0.0).clip(lower_bound=0.0),
            "step_m": per_activity(pl.col("dist_m").diff()).fill_null(0.0).clip(lower_bound=0.0),
        },
        {"timer": is_timer_interval()},
        {"moving": is_moving_interval(moving_speed_kmh)},
    )


def smoothed_elevation(dist: np.ndarray, ele: np.ndarray, window_m: float) -> np.ndarray:
    """Mean elevation over `window_m` of distance centred on each sample (narrower near either end).

    Numpy's searchsorted over prefix sums: several times faster than polars' search_sorted and
    gather on a few thousand rows. NaN marks an unknown elevation, in and out.
    """
    # a window shrunk symmetrically at the ends keeps a straight slope straight up to the last sample
    half = np.minimum(window_m / 2, np.minimum(dist - dist[0], dist[-1] - dist)) + 1e-6
    first = np.searchsorted(dist, dist - half, side="left")
    after = np.searchsorted(dist, dist + half, side="right")
    known = ~np.isnan(ele)
    total = np.concatenate(([0.0], np.cumsum(np.where(known, ele, 0.0))))
    count = np.concatenate(([0], np.cumsum(known)))
    in_window = count[after] - count[first]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(in_window > 0, (total[after] - total[first]) / in_window, np.nan)


def activity_bounds(keys: np.ndarray, activities: int) -> list[slice]:
    """Each activity's rows in a batch frame ordered by its ACTIVITY column `keys`."""
    ends = np.cumsum(np.bincount(keys, minlength=activities)).tolist()
    return [slice(start, end) for start, end in zip([0, *ends[:-1]], ends, strict=True)]


def smoothed_elevations(frame: pl.DataFrame, bounds: list[slice], window_m: float) -> pl.Series:
    """`smoothed_elevation` of every activity with a distance and an elevation; the raw elevation
    of the others."""
    ele = frame.get_column("ele").to_numpy().astype(np.float64)
    dist = frame.get_column("dist_m").to_numpy().astype(np.float64)
    smooth = ele.copy()
    sources = frame.get_column("distance_source").to_numpy()
    for rows in bounds:
        has_distance = rows.stop > rows.start and sources[rows.start] != "none"
        if has_distance and not np.isnan(ele[rows]).all():
            smooth[rows] = smoothed_elevation(dist[rows], ele[rows], window_m)
    return pl.Series("ele_smooth", smooth, nan_to_null=True)


@dataclass(frozen=True)
class TrackReport:
    """What cleaning removed from one activity, and where its distance comes from."""

    gps_spikes: int
    null_island_points: int
    untimed_points: int
    distance_source: str  # device | gps | none: where dist_m comes from
    placeholders: dict[str, int]  # "no reading" values ignored, by sensor label

    @property
    def warnings(self) -> list[str]:
        """What cleaning did, in words a member understands."""
        said = [
            (self.gps_spikes, "removed {} GPS spikes"),
            (self.null_island_points, "removed {} points at 0,0"),
            (self.untimed_points, "dropped {} points without a time"),
        ]
        return [text.format(count) for count, text in said if count] + placeholder_warnings(
            self.placeholders
        )


@dataclass(frozen=True)
class CleanTrack(TrackReport):
    """One activity's cleaned samples plus what cleaning removed."""

    samples: pl.DataFrame  # SAMPLE_COLUMNS plus ts, dt_s, step_m, timer, moving helper columns


@dataclass(frozen=True)
class CleanTracks:
    """A batch's cleaned samples, and what cleaning removed from each activity."""

    samples: pl.DataFrame  # ACTIVITY, SAMPLE_COLUMNS plus the helper columns, by activity
    bounds: list[slice]  # each activity's rows in `samples`
    reports: list[TrackReport]


def clean_tracks(
    samples: pl.DataFrame,
    sports: list[str],
    starts_utc: list[datetime],
    thresholds: Thresholds,
) -> CleanTracks:
    """Clean a batch's activities at once: `samples` holds their samples (SAMPLE_SCHEMA, each in time
    order) one activity after another, keyed by ACTIVITY (0 to n - 1), with `sports` and
    `starts_utc` by activity. Every stage is the same expression as for one activity, windowed
    over ACTIVITY, so each activity is cleaned exactly as it would be alone.

    Eager, stage by stage: on frames of a few thousand rows a lazy query's planning costs more than
    the work, and each stage names the columns the next one needs, so nothing is computed twice.
    """
    activities = len(sports)
    counts = dict.fromkeys(range(activities), (0, {}))
    counts |= {
        key: (untimed, {label: n for label, n in placeholders.items() if n})
        for key, untimed, placeholders in samples.group_by(ACTIVITY)
        .agg(untimed=pl.col("t").null_count(), placeholders=placeholder_counts())
        .rows()
    }
    timed = (
        samples.filter(pl.col("t").is_not_null())
        if samples.get_column("t").has_nulls()
        else samples
    )
    keys = timed.get_column(ACTIVITY).to_numpy()
    limits = [spike_speed_limit(sport, thresholds) for sport in sports]
    starts = [start.timestamp() for start in starts_utc]
    frame = timed.with_columns(
        **sample_basics(),
        limit_m_s=pl.Series(np.asarray(limits, dtype=np.float64)[keys]),
        start_ts=pl.Series(np.asarray(starts, dtype=np.float64)[keys]),
    )
    frame = with_fix_steps(frame)
    # without a jump nothing is a spike (`is_gps_spike`), and the runs need not be counted
    jumped = frame.get_column("jump").any()
    spike = is_gps_spike(thresholds.spike_max_points) if jumped else pl.lit(False)
    frame = frame.with_columns(spike=spike)
    if jumped and frame.get_column("spike").any():
        dropped = {name: pl.when(~pl.col("spike")).then(name) for name in ("lat", "lon")}
        frame = with_fix_steps(frame.with_columns(**dropped))
    frame = frame.with_columns(**distance_stage())
    frame = frame.with_columns(
        dist_m=distance_m(thresholds.pause_gap_s), elapsed_s=pl.col("ts") - pl.col("start_ts")
    )
    for stage in interval_stages(thresholds.moving_speed_kmh):
        frame = frame.with_columns(**stage)
    bounds = activity_bounds(keys, activities)
    frame = frame.with_columns(smoothed_elevations(frame, bounds, thresholds.elevation_window_m))
    removed = dict.fromkeys(range(activities), (0, 0, "none"))
    removed |= {
        key: (spikes, null_island, source)
        for key, spikes, null_island, source in frame.group_by(ACTIVITY)
        .agg(
            pl.col("spike").sum(),
            pl.col("null_island").sum(),
            pl.col("distance_source").first(),
        )
        .rows()
    }
    reports = [
        TrackReport(
            gps_spikes=removed[key][0],
            null_island_points=removed[key][1],
            untimed_points=counts[key][0],
            distance_source=removed[key][2],
            placeholders=counts[key][1],
        )
        for key in range(activities)
    ]
    return CleanTracks(
        samples=frame.select(ACTIVITY, *SAMPLE_COLUMNS, "ts", "dt_s", "step_m", "timer", "moving"),
        bounds=bounds,
        reports=reports,
    )


def clean_track(
    samples: pl.DataFrame, sport: str, start_utc: datetime, thresholds: Thresholds
) -> CleanTrack:
    """Clean one activity's samples (SAMPLE_SCHEMA, in time order): a batch of one."""
    tracks = clean_tracks(
        samples.with_columns(pl.lit(0, pl.UInt32).alias(ACTIVITY)), [sport], [start_utc], thresholds
    )
    (report,) = tracks.reports
    return CleanTrack(**vars(report), samples=tracks.samples.drop(ACTIVITY))


def elevation_gain_m(ele_smooth: np.ndarray, hysteresis_m: float) -> float:
    """Sum of rises by GoldenCheetah's hysteresis rule.

    The reference moves to a point more than `hysteresis_m` above it (counting the rise) or below it.
    The rule is sequential by nature (each step depends on where the reference last moved) and has
    no exact vectorised form, so it is a plain loop over the smoothed profile: about 0.05 ms for
    3,600 points. A climb counts in hysteresis-sized steps, which is what keeps GPS-altitude noise
    out (counting whole climbs between turning points instead gave 71 m on the Stryd run, not 46 m).
    """
    profile = np.asarray(ele_smooth, dtype=np.float64)
    values = profile[~np.isnan(profile)].tolist()
    if not values:
        return 0.0
    gain, reference = 0.0, values[0]
    above, below = reference + hysteresis_m, reference - hysteresis_m
    for value in values:
        if value > above:
            gain += value - reference
        elif value >= below:
            continue
        reference, above, below = value, value + hysteresis_m, value - hysteresis_m
    return gain
