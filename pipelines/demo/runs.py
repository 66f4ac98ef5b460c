"""Activities' recordings, simulated step by step with numpy: many activities in one vectorised pass."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.demo.routes import METRES_PER_DEGREE, Route

# Smart recording: a point every 1-7 s, the longer gaps more likely (steady running).
SMART_GAPS_S = np.arange(1, 8)
SMART_GAP_WEIGHTS = np.array([1, 1, 2, 2, 3, 3, 3]) / 15.0
GPS_NOISE_M = 3.0
GPS_NOISE_MEMORY_S = 20.0
GPS_SPIKE_EVERY = 2000  # one point in ~2000 lands ~200 m off
GPS_SPIKE_M = 200.0
HR_LAG_S = 25.0
HR_DRIFT_BPM_PER_H = 5.0
HILL_GIVE = 0.7  # runners slow on climbs by (3.6 / cost) ** 0.7: partly, not fully, grade-adjusted


@dataclass(frozen=True)
class ActivityPlan:
    """What the athlete sets out to do: when, where, how long, how hard."""

    sport: str  # running | cycling
    start_utc: int  # unix seconds
    moving_s: int
    route: Route
    v_flat: float  # flat-equivalent speed aimed at, m/s
    v_threshold: float  # flat speed at ~88% of heart-rate reserve this week
    hr_rest: float
    hr_max: float
    has_hr: bool
    pauses: int  # traffic lights: the watch auto-pauses
    name: str
    time_zone: str


@dataclass
class Recording:
    """The points a watch stores, with the pauses between its segments."""

    plan: ActivityPlan
    t: np.ndarray  # unix seconds, int64
    lat: np.ndarray
    lon: np.ndarray
    ele: np.ndarray
    dist: np.ndarray  # the device's distance (speed sensor / filtered GPS), no jitter
    speed: np.ndarray
    hr: np.ndarray | None
    cad: np.ndarray
    seg: np.ndarray  # 0, 1, ... one per stretch between pauses
    pauses: list[tuple[int, int]]  # (last point before the timer stopped, first after), unix s

    @property
    def elapsed_s(self) -> int:
        return int(self.t[-1] - self.t[0])

    @property
    def timer_s(self) -> int:
        return self.elapsed_s - sum(restart - stop for stop, restart in self.pauses)

    @property
    def distance_m(self) -> float:
        return float(self.dist[-1])


def minetti_cost(grade: np.ndarray) -> np.ndarray:
    """Energy cost of running (J/kg/m) on a gradient, Minetti et al. 2002."""
    i = np.clip(grade, -0.45, 0.45)
    return ((((155.4 * i - 30.4) * i - 43.3) * i + 46.3) * i + 19.5) * i + 3.6


def first_order(x: np.ndarray, rho: float, before: float) -> np.ndarray:
    """y[n] = rho * y[n-1] + x[n] with y[-1] = `before`, vectorised in blocks short enough that
    rho**-block stays well inside float precision."""
    n = len(x)
    block = max(1, min(n, int(13.8 / -np.log(rho))))
    blocks = -(-n // block)
    padded = np.zeros(blocks * block)
    padded[:n] = x
    powers = rho ** np.arange(block)
    partial = np.cumsum(padded.reshape(blocks, block) / powers, axis=1) * powers
    carry = np.empty(blocks)
    state = before
    for b in range(blocks):  # one step per block, not per sample
        carry[b] = state
        state = rho**block * state + partial[b, -1]
    y = partial + carry[:, None] * (rho * powers)
    return y.reshape(-1)[:n]


def smooth_noise(rng: np.random.Generator, n: int, sd: float, memory_s: float, dt: float):
    """Stationary AR(1) noise: wanders like GPS error or effort, not white jitter."""
    rho = np.exp(-dt / memory_s)
    white = rng.standard_normal(n) * sd * np.sqrt(1.0 - rho * rho)
    return first_order(white, rho, sd * rng.standard_normal())


@dataclass(frozen=True)
class _Layout:
    """Where each activity's steps sit in the concatenated arrays."""

    starts: np.ndarray  # first step of each activity
    which: np.ndarray  # activity of each step
    step: np.ndarray  # step number within its activity

    @classmethod
    def of(cls, lengths: np.ndarray) -> _Layout:
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        which = np.repeat(np.arange(len(lengths)), lengths)
        return cls(starts, which, np.arange(len(which)) - starts[which])

    def running_total(self, values: np.ndarray) -> np.ndarray:
        """Cumulative sum (including the step itself) restarting at each activity."""
        total = np.cumsum(values)
        return total - (total[self.starts] - values[self.starts])[self.which]


def _by_route(plans: list[ActivityPlan], layout: _Layout):
    """(route, step mask) for each distinct route, in first-use order."""
    routes: dict[int, Route] = {}
    for plan in plans:
        routes.setdefault(id(plan.route), plan.route)
    ids = np.array([list(routes).index(id(plan.route)) for plan in plans])[layout.which]
    return [(route, ids == k) for k, route in enumerate(routes.values())]


def _speeds(plans, layout, running, rng, dt):
    """Speed, device distance and flat-equivalent effort each step: slower uphill, but not fully."""
    v_flat = np.array([p.v_flat for p in plans])[layout.which]
    warm_up = 0.92 + 0.08 * np.minimum(1.0, layout.step * dt / 300.0)
    aim = v_flat * warm_up * (1.0 + smooth_noise(rng, len(layout.step), 0.03, 60.0, dt))
    routes = _by_route(plans, layout)
    grade = np.zeros(len(aim))

    def grades_at(dist: np.ndarray) -> np.ndarray:
        for route, mask in routes:
            grade[mask] = route.grade_at(dist[mask])
        return grade

    speed = aim
    for _ in range(2):  # grade depends on where the speed took the athlete: two passes settle it
        grade = grades_at(layout.running_total(speed * dt) - speed * dt)
        speed = np.where(
            running,
            aim * (3.6 / minetti_cost(grade)) ** HILL_GIVE,
            aim * np.clip(1.0 - 6.0 * grade, 0.35, 1.6),
        )
    # distance before each step; clipped because the restarting sum leaves -1e-13 at a start
    dist = np.maximum(layout.running_total(speed * dt) - speed * dt, 0.0)
    grade = grades_at(dist)
    effort = np.where(
        running, speed * minetti_cost(grade) / 3.6, aim * (1.0 + 4.0 * np.clip(grade, 0.0, None))
    )
    return speed, dist, effort, routes


def _pauses(plans, layout, lengths, rng, dt):
    """Traffic-light pauses: the step each follows and its length in steps, sorted and distinct."""
    counts = np.array([p.pauses for p in plans])
    owner = np.repeat(np.arange(len(plans)), counts)
    low = lengths[owner] // 10 + 1
    span = np.maximum(1, lengths[owner] - 2 * low)
    position = layout.starts[owner] + low + np.floor(rng.random(len(owner)) * span).astype(np.int64)
    order = np.argsort(position, kind="stable")
    position = position[order]
    distinct = np.append(True, np.diff(position) != 0) if len(position) else position.astype(bool)
    steps = np.maximum(1, np.round(rng.uniform(20.0, 90.0, len(owner)) / dt)).astype(np.int64)
    return position[distinct], steps[order][distinct]


def _heart_rate(plans, layout, effort, full_index, rng, dt):
    """HR from effort relative to fitness: lagging (reset at each start), drifting, noisy."""
    rest = np.array([p.hr_rest for p in plans])
    reserve = np.array([p.hr_max for p in plans]) - rest
    threshold = np.array([p.v_threshold for p in plans])
    full_lengths = full_index[np.append(layout.starts[1:], len(full_index)) - 1] + 1
    full = _Layout.of(full_lengths)
    target = (rest + 0.3 * reserve)[full.which]  # standing at the lights
    fraction = np.clip(0.88 - 1.1 * (1.0 - effort / threshold[layout.which]), 0.3, 0.98)
    moving_at = full.starts[layout.which] + full_index
    target[moving_at] = rest[layout.which] + fraction * reserve[layout.which]
    target += HR_DRIFT_BPM_PER_H * full.step * dt / 3600.0
    keep = np.exp(-dt / HR_LAG_S)
    begin = rest + 0.25 * reserve
    lagged = first_order((1.0 - keep) * target, keep, begin[0])
    # Each activity starts from its own resting-ish HR, not from where the previous one ended.
    carried = np.append(begin[0], lagged[full.starts[1:] - 1])
    lagged += (begin - carried)[full.which] * keep ** (full.step + 1.0)
    return lagged[moving_at] + smooth_noise(rng, len(moving_at), 1.5, 5.0, dt)


def _kept_steps(layout, pause_at, rng, every_s):
    """Steps the watch stores: smart recording (or all, when coarse), always each start, end and
    the points either side of a pause."""
    total = len(layout.step)
    keep = np.zeros(total, dtype=bool)
    if every_s is None:
        gaps = rng.choice(SMART_GAPS_S, size=total // 3 + 2, p=SMART_GAP_WEIGHTS)
        steps = np.cumsum(gaps) - gaps[0]
        keep[steps[steps < total]] = True
    else:
        keep[:] = True
    keep[layout.starts] = True
    keep[np.append(layout.starts[1:], total) - 1] = True
    keep[pause_at - 1] = keep[pause_at] = True
    return np.flatnonzero(keep)


def _gps(rng, lat, lon, dt, ends):
    """Positions as a receiver reports them: wandering ~3 m error and a rare 200 m spike (never
    at an activity's first or last point, which have no neighbour on one side to betray them)."""
    n = len(lat)
    north = smooth_noise(rng, n, GPS_NOISE_M, GPS_NOISE_MEMORY_S, dt)
    east = smooth_noise(rng, n, GPS_NOISE_M, GPS_NOISE_MEMORY_S, dt)
    spikes = rng.random(n) < 1.0 / GPS_SPIKE_EVERY
    spikes[ends] = False
    bearing = rng.uniform(0.0, 2.0 * np.pi, n)
    north += spikes * GPS_SPIKE_M * np.cos(bearing)
    east += spikes * GPS_SPIKE_M * np.sin(bearing)
    return (
        lat + north / METRES_PER_DEGREE,
        lon + east / (METRES_PER_DEGREE * np.cos(np.radians(lat))),
    )


def record_activities(
    plans: list[ActivityPlan], rng: np.random.Generator, every_s: float | None = None
) -> list[Recording]:
    """Simulate `plans` and keep what a watch stores: smart recording (1 s steps, a point every
    1-7 s) or, when `every_s` is given, one point every `every_s` seconds."""
    dt = 1.0 if every_s is None else float(every_s)
    lengths = np.array([max(3, int(p.moving_s / dt)) for p in plans])
    layout = _Layout.of(lengths)
    running = np.array([p.sport == "running" for p in plans])[layout.which]
    speed, dist, effort, routes = _speeds(plans, layout, running, rng, dt)
    pause_at, pause_steps = _pauses(plans, layout, lengths, rng, dt)
    delta = np.zeros(len(dist), dtype=np.int64)
    delta[pause_at] = pause_steps
    full_index = layout.step + layout.running_total(delta)
    delta[pause_at] = 1
    seg = layout.running_total(delta)
    hr = _heart_rate(plans, layout, effort, full_index, rng, dt)
    kept = _kept_steps(layout, pause_at, rng, every_s)
    starts = np.array([p.start_utc for p in plans])
    t = starts[layout.which[kept]] + np.round(full_index[kept] * dt).astype(np.int64)
    lat, lon, ele = (np.empty(len(kept)) for _ in range(3))
    for route, mask in routes:
        inside = mask[kept]
        lat[inside], lon[inside], ele[inside] = route.at(dist[kept][inside])
    bounds = np.searchsorted(kept, np.append(layout.starts, len(dist)))
    dt_points = float(np.mean(np.diff(kept))) * dt if len(kept) > 1 else dt
    lat, lon = _gps(rng, lat, lon, dt_points, np.concatenate((bounds[:-1], bounds[1:] - 1)))
    ele += smooth_noise(rng, len(kept), 0.4, 30.0, dt_points)
    cadence = np.where(running[kept], 80.0 + 4.0 * (speed[kept] - 2.8), 85.0)
    cadence = np.clip(np.round(cadence + rng.normal(0.0, 1.5, len(kept))), 0, 254)
    hr_kept = np.clip(np.round(hr[kept]), 40, 220)
    seg_kept = seg[kept]
    recordings = []
    for i, plan in enumerate(plans):
        a, b = bounds[i], bounds[i + 1]
        breaks = np.flatnonzero(np.diff(seg_kept[a:b])) + a
        recordings.append(
            Recording(
                plan=plan,
                t=t[a:b],
                lat=lat[a:b],
                lon=lon[a:b],
                ele=ele[a:b],
                dist=dist[kept[a:b]],
                speed=speed[kept[a:b]],
                hr=hr_kept[a:b] if plan.has_hr else None,
                cad=cadence[a:b],
                seg=seg_kept[a:b],
                pauses=list(zip(t[breaks].tolist(), t[breaks + 1].tolist(), strict=True)),
            )
        )
    return recordings
