"""Auto-laps (every km running, every 5 km riding) and their totals, as watches summarise them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.demo.runs import Recording


@dataclass(frozen=True)
class Laps:
    """Per-lap totals; `starts` index the first point of each lap."""

    starts: np.ndarray
    ends: np.ndarray  # index of the last point, inclusive
    start_t: np.ndarray
    elapsed_s: np.ndarray
    timer_s: np.ndarray
    distance_m: np.ndarray
    max_speed: np.ndarray
    avg_hr: np.ndarray | None
    max_hr: np.ndarray | None
    avg_cad: np.ndarray
    max_cad: np.ndarray
    ascent_m: np.ndarray
    descent_m: np.ndarray


def moving_gaps(rec: Recording) -> np.ndarray:
    """Seconds from each point to the next while the timer runs (0 across a pause, 0 at the end)."""
    gaps = np.diff(rec.t).astype(np.float64)
    gaps[np.diff(rec.seg) != 0] = 0.0
    return np.append(gaps, 0.0)


def lap_of(rec: Recording) -> Laps:
    """Split a recording into distance laps."""
    lap_m = 1000.0 if rec.plan.sport == "running" else 5000.0
    lap_id = np.floor(rec.dist / lap_m).astype(np.int64)
    starts = np.concatenate(([0], np.flatnonzero(np.diff(lap_id)) + 1))
    ends = np.append(starts[1:] - 1, len(rec.t) - 1)
    next_start = np.append(starts[1:], len(rec.t) - 1)
    counts = ends - starts + 1
    rises = np.append(np.diff(rec.ele), 0.0)

    def per_lap(values: np.ndarray, how=np.add) -> np.ndarray:
        return how.reduceat(values, starts)

    hr = rec.hr
    return Laps(
        starts=starts,
        ends=ends,
        start_t=rec.t[starts],
        elapsed_s=(rec.t[next_start] - rec.t[starts]).astype(np.float64),
        timer_s=per_lap(moving_gaps(rec)),
        distance_m=rec.dist[next_start] - rec.dist[starts],
        max_speed=per_lap(rec.speed, np.maximum),
        avg_hr=None if hr is None else per_lap(hr) / counts,
        max_hr=None if hr is None else per_lap(hr, np.maximum),
        avg_cad=per_lap(rec.cad) / counts,
        max_cad=per_lap(rec.cad, np.maximum),
        ascent_m=per_lap(np.clip(rises, 0.0, None)),
        descent_m=per_lap(np.clip(-rises, 0.0, None)),
    )
