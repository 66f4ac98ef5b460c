"""Properties of cleaning and summarising on random tracks: distance never falls, times nest."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import polars as pl
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from pipelines.activity.cleaning import EARTH_RADIUS_M, clean_track
from pipelines.activity.summarize import summarize
from pipelines.parsers.schemas import SAMPLE_SCHEMA, ParsedActivity
from pipelines.settings import Thresholds

# derandomized: CI runs the same 60 examples each time; what random runs found is kept as @example
PROPERTY = settings(max_examples=60, deadline=None, database=None, derandomize=True)
T0 = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
THRESHOLDS = Thresholds()
LAT0, LON0 = 51.5, -0.1  # London: on land, so the time zone comes from the first fix
METRES_PER_DEGREE = EARTH_RADIUS_M * math.pi / 180


@dataclass(frozen=True)
class Track:
    """A random track: times in ms after T0 (non-decreasing), positions, device distance, segments."""

    ms: list[int]
    lat: list[float | None]
    lon: list[float | None]
    dist_m: list[float | None]
    seg: list[int]

    def frame(self) -> pl.DataFrame:
        n = len(self.ms)
        return pl.DataFrame(
            {
                "t": [T0 + timedelta(milliseconds=m) for m in self.ms],
                "lat": self.lat,
                "lon": self.lon,
                "ele": [None] * n,
                "dist_m": self.dist_m,
                "hr": [None] * n,
                "cad": [None] * n,
                "seg": self.seg,
            },
            schema=SAMPLE_SCHEMA,
        )


# time steps: repeated timestamps, sub-second jitter, 1 Hz, smart-recording gaps, long pauses
time_steps_ms = st.one_of(
    st.just(0),
    st.integers(1, 999),
    st.just(1000),
    st.integers(1000, 60_000),
    st.integers(60_000, 900_000),
)
# a step north and east in metres: standing still (repeated point), jogging, or a GPS jump
small_steps_m = st.one_of(st.just(0.0), st.floats(-8, 8, allow_nan=False))
any_steps_m = st.one_of(small_steps_m, st.floats(-5000, 5000, allow_nan=False))
# what the device wrote at a point: a fix, no fix, or a fix at exactly 0,0
fix_kinds = st.sampled_from(["fix", "fix", "fix", "fix", "none", "null_island"])
# a device stream may be missing at a point, repeat, or even go backwards (a reset)
device_readings = st.one_of(st.none(), st.floats(0, 10_000, allow_nan=False))
new_segment = st.integers(0, 9).map(lambda roll: roll == 0)  # a new segment about one point in ten


@st.composite
def tracks(
    draw, steps=any_steps_m, kinds=fix_kinds, device_distance=True, time_steps=time_steps_ms
) -> Track:
    """A random walk of `steps` metres per point, `time_steps` ms apart, with segment breaks."""
    with_device = device_distance and draw(st.booleans())
    point = st.tuples(
        time_steps, steps, steps, new_segment, kinds, device_readings if with_device else st.none()
    )
    points = draw(st.lists(point, min_size=1, max_size=40))
    ms, lat, lon, dist, seg = [], [], [], [], []
    now, north, east, segment = 0, 0.0, 0.0, 0
    for i, (step_ms, step_north, step_east, breaks, kind, reading) in enumerate(points):
        if i:  # the first point's steps are unused: the walk starts at (LAT0, LON0) at T0
            now, north, east = now + step_ms, north + step_north, east + step_east
            segment += breaks
        ms.append(now)
        seg.append(segment)
        dist.append(reading)
        if kind == "fix":
            lat.append(LAT0 + north / METRES_PER_DEGREE)
            lon.append(LON0 + east / (METRES_PER_DEGREE * math.cos(math.radians(LAT0))))
        elif kind == "null_island":
            lat.append(0.0)
            lon.append(0.0)
        else:
            lat.append(None)
            lon.append(None)
    return Track(ms, lat, lon, dist, seg)


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two fixes, with plain math."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def segment_spans_s(track: Track) -> float:
    """Timer time as the sum of each segment's span (first to last sample of a run of one segment)."""
    total, start = 0.0, 0
    for i in range(1, len(track.ms) + 1):
        if i == len(track.ms) or track.seg[i] != track.seg[i - 1]:
            total += (track.ms[i - 1] - track.ms[start]) / 1000
            start = i
    return total


def assert_distance_never_decreases(track: Track) -> None:
    """The cleaned dist_m is finite, non-negative and non-decreasing (null throughout without one)."""
    cleaned = clean_track(track.frame(), "running", T0, THRESHOLDS)
    dist = cleaned.samples.get_column("dist_m").to_list()
    assert len(dist) == len(track.ms)
    if cleaned.distance_source == "none":
        assert all(d is None for d in dist)
        return
    assert all(d is not None and math.isfinite(d) and d >= 0.0 for d in dist)
    assert all(a <= b for a, b in zip(dist, dist[1:], strict=False))


@PROPERTY
@example(Track([0, 0, 0], [51.5, None, 51.5], [-0.1, None, -0.1], [None] * 3, [0, 0, 0]))
@example(
    Track(
        [0, 0, 0, 0, 0, 1, 10, 10],
        [51.5] * 4 + [51.50000224830091, 51.50000224830091, None, 51.50000224830091],
        [-0.1] * 6 + [None, -0.09992776713102025],
        [None] * 8,
        list(range(8)),
    )
)
@given(tracks())
def test_cleaned_cumulative_distance_never_decreases(track):
    assert_distance_never_decreases(track)


@PROPERTY
@given(tracks(time_steps=st.integers(1, 900_000)))
def test_cleaned_cumulative_distance_never_decreases_when_timestamps_differ(track):
    assert_distance_never_decreases(track)


@PROPERTY
@given(tracks())
def test_moving_intervals_are_timer_intervals_and_timer_time_is_the_segment_spans(track):
    cleaned = clean_track(track.frame(), "running", T0, THRESHOLDS).samples
    timer = cleaned.get_column("timer").to_list()
    moving = cleaned.get_column("moving").to_list()
    assert all(t for t, m in zip(timer, moving, strict=True) if m)
    # seconds since the epoch in float64 resolve about 0.24 us in 2026: compare to a microsecond
    dt = cleaned.get_column("dt_s").to_list()
    steps = [0.0] + [(b - a) / 1000 for a, b in zip(track.ms, track.ms[1:], strict=False)]
    assert len(dt) == len(steps)
    assert all(math.isclose(a, b, abs_tol=1e-6) for a, b in zip(dt, steps, strict=True))
    timer_s = cleaned.filter("timer").get_column("dt_s").sum()
    moving_s = cleaned.filter("moving").get_column("dt_s").sum()
    elapsed_s = cleaned.get_column("elapsed_s").to_list()
    assert all(
        math.isclose(e, m / 1000, abs_tol=1e-6) for e, m in zip(elapsed_s, track.ms, strict=True)
    )
    assert math.isclose(timer_s, segment_spans_s(track), abs_tol=1e-6 * len(track.ms))
    # differences of nearby floats are exact, so the nesting holds without any slack
    assert moving_s <= timer_s <= elapsed_s[-1] - elapsed_s[0]


@PROPERTY
@example(  # device distance from 1.4e-45 m to 5000 m: the 5 km best effort found no end
    Track(
        [0, 0, 0, 1, 1],
        [51.5] * 5,
        [-0.1] * 5,
        [None, None, 1.401298464324817e-45, None, 5000.0],
        [0, 1, 2, 2, 3],
    )
)
@given(tracks())
def test_summary_moving_time_within_timer_time_within_elapsed_time(track):
    # a track of times alone recorded nothing: summarize refuses it (tests/activity/test_plausible.py)
    assume(any(v is not None for v in track.lat + track.dist_m))
    activity = ParsedActivity(source_format="gpx", sport="running", samples=track.frame())
    summary, _ = summarize(activity, "Europe/London", THRESHOLDS)
    span_s = (track.ms[-1] - track.ms[0]) / 1000
    assert math.isclose(summary["elapsed_s"], span_s, abs_tol=1e-6)
    assert math.isclose(summary["timer_s"], segment_spans_s(track), abs_tol=1e-6 * len(track.ms))
    assert 0.0 <= summary["moving_s"] <= summary["timer_s"] <= summary["elapsed_s"]
    assert summary["distance_m"] >= 0.0


@PROPERTY
@given(tracks(steps=small_steps_m, kinds=st.just("fix"), device_distance=False))
def test_gps_distance_is_the_haversine_sum_except_across_long_pauses(track):
    # steps of at most 8 m north and 8 m east (< 12 m) can never look like a spike at 12 m/s
    cleaned = clean_track(track.frame(), "running", T0, THRESHOLDS)
    assert cleaned.gps_spikes == 0
    assert cleaned.distance_source == "gps"
    expected, total = [0.0], 0.0
    for i in range(1, len(track.ms)):
        gap_s = (track.ms[i] - track.ms[i - 1]) / 1000
        # a gap of exactly pause_gap_s may read a fraction of a microsecond either side of it
        assume(abs(gap_s - THRESHOLDS.pause_gap_s) > 1e-6 or track.seg[i] == track.seg[i - 1])
        across_pause = track.seg[i] != track.seg[i - 1] and gap_s > THRESHOLDS.pause_gap_s
        if not across_pause:
            total += haversine_m(track.lat[i - 1], track.lon[i - 1], track.lat[i], track.lon[i])
        expected.append(total)
    dist = cleaned.samples.get_column("dist_m").to_list()
    assert len(dist) == len(expected)
    assert all(
        math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-6)
        for got, want in zip(dist, expected, strict=True)
    )
    # moving: a timer interval covered faster than 1 km/h (borderline steps within float rounding skipped)
    limit = THRESHOLDS.moving_speed_kmh / 3.6
    moving = cleaned.samples.get_column("moving").to_list()
    for i in range(1, len(track.ms)):
        dt_s = (track.ms[i] - track.ms[i - 1]) / 1000
        step = expected[i] - expected[i - 1]
        if abs(step - limit * dt_s) < 1e-6:
            continue
        in_timer = track.seg[i] == track.seg[i - 1]
        assert moving[i] == (in_timer and dt_s > 0 and step > limit * dt_s)
