"""Per-run figures from cleaned samples: grade-adjusted pace, best efforts, EF, decoupling, TRIMP.

Figures are computed from the frame `cleaning.clean_tracks` returns (columns dist_m, elapsed_s,
ele_smooth, hr, dt_s, step_m, moving; one row per sample, each row also describing the interval that
ends at it; a batch's activities one after another, keyed by ACTIVITY). Definitions follow
METRICS.md; choices are fields of `settings.Thresholds`:

- Grade of an interval: secant of the smoothed elevation over the shortest span of samples that covers
  `grade_window_m` of distance centred on the interval (clipped at the ends of the run), clamped to
  Minetti's +-45%.
- Pace: moving time / distance covered in moving intervals; GAP: moving time / flat-equivalent
  distance of the same intervals, so GAP against pace isolates the hills. (Where a device's distance
  runs on across a pause, as in excerpted files, the stated total would make pace absurd.)
- Steady run: running, at least `steady_run_min_minutes` moving, HR on at least `steady_hr_coverage`
  of the points, and grade-adjusted speeds over consecutive `steady_speed_window_s` of moving time
  whose coefficient of variation is below `steady_speed_cv_max`.
- Mean HR: time-weighted over moving intervals that have a reading.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from pipelines.activity.cleaning import ACTIVITY
from pipelines.settings import Thresholds

FLAT_COST_J_KG_M = 3.6  # Minetti 2002: cost of running on the flat
MAX_GRADE = 0.45  # Minetti's polynomial is fitted on -45%..+45%
BEST_EFFORTS_M = {"best_1k_s": 1000.0, "best_5k_s": 5000.0, "best_10k_s": 10000.0}
EFFORT_DISTANCES_M = tuple(BEST_EFFORTS_M.values())

dt, moving, hr = pl.col("dt_s"), pl.col("moving"), pl.col("hr")


def minetti_cost(grade: np.ndarray) -> np.ndarray:
    """Energy cost of running (J/kg/m) on a gradient (rise/run), Minetti et al. 2002."""
    i = np.clip(grade, -MAX_GRADE, MAX_GRADE)
    return ((((155.4 * i - 30.4) * i - 43.3) * i + 46.3) * i + 19.5) * i + 3.6


def interval_grades(dist: np.ndarray, ele_smooth: np.ndarray, window_m: float) -> np.ndarray:
    """Grade of the interval ending at each sample, over at least `window_m` of smoothed profile.

    The secant runs from the last sample at or before the interval's middle minus half the window to
    the first sample at or after its middle plus half the window; unknown elevation gives 0.
    """
    last = dist.size - 1
    middle = (dist + np.concatenate((dist[:1], dist[:-1]))) / 2
    before = np.clip(np.searchsorted(dist, middle - window_m / 2, side="right") - 1, 0, last)
    after = np.minimum(np.searchsorted(dist, middle + window_m / 2, side="left"), last)
    run = dist[after] - dist[before]
    rise = ele_smooth[after] - ele_smooth[before]
    with np.errstate(divide="ignore", invalid="ignore"):
        grade = np.where(run > 0, rise / run, 0.0)
    return np.nan_to_num(grade, nan=0.0)


def best_efforts_s(
    dist: np.ndarray, elapsed: np.ndarray, distances_m: tuple[float, ...]
) -> list[float | None]:
    """Fastest elapsed time over each of `distances_m`, crossings interpolated; None for a distance
    longer than the run.

    Elapsed time, so pauses count. The time over a fixed distance is piecewise linear in where it
    starts, so its minimum sits where the start or the end falls on a sample: both are checked, the
    other end interpolated between the two samples around it. A run of about a distance may find
    such samples at one end only: `dist[-1] - distance >= dist[0]` and `dist[0] + distance <=
    dist[-1]` round differently (0.3 m to 1000.3 m passes only the second). Every distance at once,
    a column each: on a run's few hundred samples numpy's cost is per call, not per value.
    """
    if dist.size < 2:
        return [None] * len(distances_m)
    metres = np.asarray(distances_m)
    start = dist[:, None] - metres  # an effort ending at each sample, per distance
    before = np.searchsorted(dist, start, side="right") - 1
    ending_here = elapsed[:, None] - interpolate_time(dist, elapsed, start, before)
    end = dist[:, None] + metres  # an effort starting at each sample
    after = np.searchsorted(dist, end, side="left")
    starting_here = interpolate_time(dist, elapsed, end, after - 1) - elapsed[:, None]
    efforts = np.concatenate(
        (
            np.where(start >= dist[0], ending_here, np.inf),
            np.where(end <= dist[-1], starting_here, np.inf),
        )
    ).min(axis=0)
    return [float(best) if np.isfinite(best) else None for best in efforts]


def interpolate_time(
    dist: np.ndarray, elapsed: np.ndarray, at: np.ndarray, before: np.ndarray
) -> np.ndarray:
    """Elapsed time when the distance reached `at`, which lies between samples `before` and after."""
    after = np.minimum(before + 1, dist.size - 1)
    span = dist[after] - dist[before]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(span > 0, (at - dist[before]) / span, 0.0)
    return elapsed[before] + share * (elapsed[after] - elapsed[before])


def speed_variability(
    moving_time_s: np.ndarray, flat_distance_m: np.ndarray, window_s: float
) -> float | None:
    """Coefficient of variation of grade-adjusted speeds over consecutive windows of moving time.

    Both inputs are cumulative over the moving intervals only; the last, partial window is left out.
    """
    if moving_time_s.size == 0:
        return None
    marks = np.arange(0.0, moving_time_s[-1] + 1e-9, window_s)
    # sparse samples can put two marks on one sample: keep each sample once
    at_mark = np.unique(np.searchsorted(moving_time_s, marks, side="left"))
    at_mark = at_mark[at_mark < moving_time_s.size]
    speeds = np.diff(flat_distance_m[at_mark]) / np.diff(moving_time_s[at_mark])
    if speeds.size < 2 or speeds.mean() <= 0:
        return None
    return float(speeds.std(ddof=1) / speeds.mean())


def moving_seconds(mask: pl.Expr = moving) -> pl.Expr:
    """Seconds of moving intervals that also satisfy `mask`."""
    return dt.filter(moving & mask).sum()


def gap_speed_m_min(mask: pl.Expr = moving) -> pl.Expr:
    """Grade-adjusted speed (m/min) over the moving intervals that satisfy `mask`."""
    return 60 * pl.col("flat_m").filter(moving & mask).sum() / moving_seconds(mask)


def mean_hr(mask: pl.Expr = moving) -> pl.Expr:
    """Time-weighted mean HR over the moving intervals that satisfy `mask` and have a reading."""
    with_hr = moving & mask & hr.is_not_null()
    return (hr * dt).filter(with_hr).sum() / dt.filter(with_hr).sum()


def efficiency_factor(mask: pl.Expr = moving) -> pl.Expr:
    """Grade-adjusted speed (m/min) per beat: EF."""
    return gap_speed_m_min(mask) / mean_hr(mask)


def trimp_weights(sex: str | None) -> tuple[float, float]:
    """Banister's k and b: men's weighting for sex M, women's otherwise (X and unknown take the
    higher one: at dHR 0.6, 1.41 per minute against men's 1.22)."""
    return (0.64, 1.92) if sex == "M" else (0.86, 1.67)


def banister_trimp() -> pl.Expr:
    """Banister TRIMP summed over moving intervals: minutes * dHR * k e^(b dHR), with the roster's
    hr_rest and hr_max and the `trimp_weights` k and b as columns (each activity its athlete's).

    dHR is clipped to 0..1: a reading below rest adds nothing, one above the roster's max counts
    as max.
    """
    hr_rest, k, b = pl.col("hr_rest"), pl.col("trimp_k"), pl.col("trimp_b")
    reserve = ((hr - hr_rest) / (pl.col("hr_max") - hr_rest)).clip(0.0, 1.0)
    per_interval = dt / 60 * reserve * k * (b * reserve).exp()
    return per_interval.filter(moving & hr.is_not_null()).sum()


def finite(value: float | None) -> float | None:
    """`value`, or None when it is missing, NaN or infinite (a half without HR readings)."""
    return value if value is not None and math.isfinite(value) else None


def decoupling_pct(ef_first_half: float | None, ef_second_half: float | None) -> float | None:
    """Aerobic decoupling (Pa:HR): how much EF fell from the first half to the second, in %."""
    first, second = finite(ef_first_half), finite(ef_second_half)
    if not first or second is None:
        return None
    return 100 * (first - second) / first


def running_figures(
    samples: pl.DataFrame, activities: list[slice], thresholds: Thresholds
) -> list[dict]:
    """GAP, best efforts, EF, decoupling and the steady-run test for cleaned running activities:
    each of `activities` is one activity's rows in a batch's cleaned samples (keyed by ACTIVITY).

    Figures that look samples up by distance (grades, best efforts, per-window speeds) run on numpy
    slices of the batch's arrays: on a few thousand rows its searchsorted is several times faster
    than polars' search_sorted and gather. EF and decoupling, needed only on steady runs, are
    polars expressions over every steady run of the batch at once.
    """
    column = samples.get_column
    arrays = [
        column(name).to_numpy()
        for name in ("dist_m", "step_m", "dt_s", "moving", "ele_smooth", "elapsed_s")
    ]
    no_hr = column("hr").is_null().to_numpy()
    keys = column(ACTIVITY).to_numpy()
    flat_all = np.zeros(samples.height)
    first_half_all = np.zeros(samples.height, dtype=bool)
    steady_rows = np.zeros(samples.height, dtype=bool)
    figures = []
    for rows in activities:
        dist, step, dt_s, is_moving, ele_smooth, elapsed = (array[rows] for array in arrays)
        grades = interval_grades(dist, ele_smooth, thresholds.grade_window_m)
        flat = np.where(is_moving, step * minetti_cost(grades) / FLAT_COST_J_KG_M, 0.0)
        moving_time, flat_distance = np.cumsum(dt_s[is_moving]), np.cumsum(flat[is_moving])
        moving_s = float(moving_time[-1]) if moving_time.size else 0.0
        moving_m = float(step[is_moving].sum())
        flat_m = float(flat_distance[-1]) if flat_distance.size else 0.0
        speed_cv = speed_variability(moving_time, flat_distance, thresholds.steady_speed_window_s)
        steady = bool(
            moving_s >= thresholds.steady_run_min_minutes * 60
            and 1 - np.count_nonzero(no_hr[rows]) / dist.size >= thresholds.steady_hr_coverage
            and speed_cv is not None
            and speed_cv < thresholds.steady_speed_cv_max
        )
        if steady:
            flat_all[rows] = flat
            first_half_all[rows] = np.cumsum(np.where(is_moving, dt_s, 0.0)) <= moving_s / 2
            steady_rows[rows] = True
        figures.append(
            {
                "pace_s_per_km": 1000 * moving_s / moving_m if moving_m > 0 else None,
                "gap_s_per_km": 1000 * moving_s / flat_m if flat_m > 0 else None,
                **dict(
                    zip(
                        BEST_EFFORTS_M,
                        best_efforts_s(dist, elapsed, EFFORT_DISTANCES_M),
                        strict=True,
                    )
                ),
                "is_steady": steady,
            }
        )
    efs = steady_efficiency(samples, flat_all, first_half_all, steady_rows)
    for rows, found in zip(activities, figures, strict=True):
        ef, ef_first_half, ef_second_half = efs.get(int(keys[rows.start]), (None, None, None))
        found |= {"ef": finite(ef), "decoupling_pct": decoupling_pct(ef_first_half, ef_second_half)}
    return figures


def steady_efficiency(
    samples: pl.DataFrame, flat_m: np.ndarray, first_half: np.ndarray, steady: np.ndarray
) -> dict[int, tuple[float | None, float | None, float | None]]:
    """EF over the whole run, its first half and its second half of moving time, by activity, for
    the activities whose rows are `steady` (`flat_m`: each interval's flat-equivalent metres)."""
    if not steady.any():
        return {}
    in_first_half = pl.col("first_half")
    return {
        key: (ef, first, second)
        for key, ef, first, second in samples.with_columns(
            flat_m=pl.Series(flat_m), first_half=pl.Series(first_half)
        )
        .filter(pl.Series(steady))
        .group_by(ACTIVITY)
        .agg(
            ef=efficiency_factor(),
            first=efficiency_factor(in_first_half),
            second=efficiency_factor(~in_first_half),
        )
        .rows()
    }
