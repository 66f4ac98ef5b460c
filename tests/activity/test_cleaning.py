"""Cleaning: spikes, points at 0,0, distance across pauses, timer and moving time, elevation."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pytest

from pipelines.activity.cleaning import (
    clean_track,
    elevation_gain_m,
    smoothed_elevation,
    spike_speed_limit,
)
from pipelines.parsers.schemas import SAMPLE_SCHEMA
from pipelines.settings import Thresholds

T0 = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
# Along a meridian haversine is exactly R * dphi, so these offsets are exact metres.
METRES_PER_DEGREE = 6_371_008.8 * math.pi / 180
THRESHOLDS = Thresholds()


def samples(seconds: list[float], **columns: list) -> pl.DataFrame:
    """A sample frame at T0 + seconds; columns not given are null (seg 0)."""
    n = len(seconds)
    data = {name: columns.get(name, [None] * n) for name in ("lat", "lon", "ele", "dist_m", "hr")}
    return pl.DataFrame(
        {
            "t": [T0 + timedelta(seconds=s) for s in seconds],
            **data,
            "cad": [None] * n,
            "seg": columns.get("seg", [0] * n),
        },
        schema=SAMPLE_SCHEMA,
    )


def north(metres: float) -> float:
    """Latitude `metres` north of 51.5 N."""
    return 51.5 + metres / METRES_PER_DEGREE


def test_spike_limit_depends_on_sport():
    assert spike_speed_limit("running", THRESHOLDS) == 12.0
    assert spike_speed_limit("walking", THRESHOLDS) == 12.0
    assert spike_speed_limit("cycling", THRESHOLDS) == 40.0
    assert spike_speed_limit("skiing", THRESHOLDS) == 30.0


def test_spikes_are_removed_and_distance_ignores_them():
    # 60 fixes 3 m apart northwards at 1 Hz; junk before the GPS locks (fixes 0-1, 5.5 km off),
    # a single spike (fix 20, 1.1 km off) and a two-fix excursion (fixes 40-41, 1.4 km east).
    lat = [north(3 * i) for i in range(60)]
    lon = [-0.1] * 60
    lat[0], lat[1] = lat[0] + 0.05, lat[1] + 0.05
    lat[20] += 0.01
    lon[40], lon[41] = lon[40] + 0.02, lon[41] + 0.02
    track = clean_track(
        samples(list(range(60)), lat=lat, lon=lon, hr=[140.0] * 60), "running", T0, THRESHOLDS
    )
    cleaned = track.samples
    assert track.gps_spikes == 5
    assert track.warnings == ["removed 5 GPS spikes"]
    assert cleaned["lat"].is_null().arg_true().to_list() == [0, 1, 20, 40, 41]
    assert cleaned["hr"].null_count() == 0  # a spike keeps its time and heart rate
    # kept fixes run from fix 2 to fix 59: 57 steps of 3 m
    assert cleaned["dist_m"].max() == pytest.approx(171.0, abs=1e-6)
    assert track.distance_source == "gps"


def test_points_at_null_island_lose_their_position_only():
    lat = [0.0, 0.0, 0.0] + [north(3 * i) for i in range(7)]
    lon = [0.0, 0.0, 0.0] + [-0.1] * 7
    track = clean_track(
        samples(list(range(10)), lat=lat, lon=lon, hr=[120.0] * 10), "running", T0, THRESHOLDS
    )
    assert track.null_island_points == 3
    assert track.warnings == ["removed 3 points at 0,0"]
    assert track.samples["lat"].null_count() == 3
    assert track.samples["hr"].null_count() == 0
    assert track.samples["dist_m"].max() == pytest.approx(18.0, abs=1e-6)


def test_timer_excludes_segment_breaks_and_moving_excludes_a_stop():
    # segment 0: 60 s at 3 m/s, 30 s standing, 60 s at 3 m/s (t 0..150, 360 m)
    # segment 1 after a 150 s pause: 60 s at 3 m/s (t 300..360); segment 2 (lap split): t 361..370
    seconds = list(range(151)) + list(range(300, 361)) + list(range(361, 371))
    dist = (
        [3.0 * t for t in range(61)]
        + [180.0] * 30
        + [180.0 + 3 * (t - 90) for t in range(91, 151)]
        + [360.0 + 3 * (t - 300) for t in range(300, 361)]
        + [540.0 + 3 * (t - 360) for t in range(361, 371)]
    )
    seg = [0] * 151 + [1] * 61 + [2] * 10
    cleaned = clean_track(samples(seconds, dist_m=dist, seg=seg), "running", T0, THRESHOLDS).samples
    timer_s = cleaned.filter("timer")["dt_s"].sum()
    moving_s = cleaned.filter("moving")["dt_s"].sum()
    # timer: 150 + 60 + 9 intervals (both breaks excluded); moving: 120 + 60 + 9 (the stop excluded)
    assert timer_s == 219.0
    assert moving_s == 189.0
    assert moving_s <= timer_s
    assert cleaned["elapsed_s"].to_list()[-1] == 370.0


def test_gps_distance_counts_a_lap_split_but_not_a_pause():
    # three segments of 11 fixes 3 m apart; 20 m covered during a 10 s break (a lap split),
    # 500 m during a 120 s break (a pause: the watch was stopped)
    seconds = list(range(11)) + list(range(20, 31)) + list(range(150, 161))
    metres = (
        [3.0 * i for i in range(11)]
        + [50.0 + 3 * i for i in range(11)]
        + [580.0 + 3 * i for i in range(11)]
    )
    seg = [0] * 11 + [1] * 11 + [2] * 11
    frame = samples(seconds, lat=[north(m) for m in metres], lon=[-0.1] * 33, seg=seg)
    cleaned = clean_track(frame, "running", T0, THRESHOLDS).samples
    assert cleaned["dist_m"].max() == pytest.approx(30 + 20 + 30 + 30, abs=1e-6)


def test_points_without_a_position_get_a_distance_interpolated_in_time():
    # fixes at 0 s and 1 s at 0 m and at 6 s 10 m north; two points without a position between,
    # at 3.5 s (half way in time) and at 6 s (the instant of the last fix: exactly its distance,
    # where polars' interpolation read 2e-15 m more and the cumulative distance fell)
    frame = samples(
        [0, 1, 3.5, 6, 6], lat=[north(0), north(0), None, None, north(10)], lon=[-0.1] * 5
    )
    dist = clean_track(frame, "running", T0, THRESHOLDS).samples["dist_m"].to_list()
    assert dist == pytest.approx([0.0, 0.0, 5.0, 10.0, 10.0], abs=1e-6)
    assert dist[3] == dist[4]


def test_device_distance_wins_over_gps_and_zero_heart_rate_is_dropped():
    lat = [north(10 * i) for i in range(5)]
    frame = samples(
        list(range(5)),
        lat=lat,
        lon=[-0.1] * 5,
        dist_m=[0.0, 3.0, 6.0, 9.0, 12.0],
        hr=[0.0, 150.0, 151.0, 0.0, 152.0],
    )
    track = clean_track(frame, "running", T0, THRESHOLDS)
    assert track.distance_source == "device"
    assert track.samples["dist_m"].to_list() == [0.0, 3.0, 6.0, 9.0, 12.0]
    assert track.samples["hr"].null_count() == 2


def test_a_distance_stream_that_never_grows_is_no_distance():
    # indoor rowing: the watch writes distance 0 throughout; every timer interval is then moving
    frame = samples(list(range(0, 50, 5)), dist_m=[0.0] * 10, hr=[130.0] * 10)
    track = clean_track(frame, "rowing", T0, THRESHOLDS)
    assert track.distance_source == "none"
    assert track.samples.filter("moving")["dt_s"].sum() == 45.0


def test_points_without_time_are_dropped_and_reported():
    frame = samples([0, 1, 2], dist_m=[0.0, 3.0, 6.0]).with_columns(
        t=pl.Series([T0, None, T0 + timedelta(seconds=2)], dtype=SAMPLE_SCHEMA["t"])
    )
    track = clean_track(frame, "running", T0, THRESHOLDS)
    assert track.samples.height == 2
    assert track.warnings == ["dropped 1 points without a time"]


def test_smoothing_averages_a_bump_over_the_window():
    dist = np.array([0.0, 10, 20, 30, 40, 50, 60])
    ele = np.array([0.0, 0, 0, 6, 0, 0, 0])
    # window 30 m: +-15 m inside, shrunk symmetrically to +-10 m at 10 m and 50 m, +-0 at the ends
    assert smoothed_elevation(dist, ele, 30.0).tolist() == pytest.approx([0, 0, 2, 2, 2, 0, 0])


def test_smoothing_keeps_a_straight_slope_straight_to_the_ends():
    dist = np.arange(0.0, 101.0, 4.0)
    ele = 0.05 * dist
    assert smoothed_elevation(dist, ele, 30.0) == pytest.approx(ele, abs=1e-9)


def test_smoothing_skips_unknown_elevation():
    dist = np.array([0.0, 10, 20, 30, 40])
    ele = np.array([1.0, np.nan, 3.0, np.nan, np.nan])
    # at 20 m the window (5..35 m) holds 10, 20 and 30 m, of which only 3.0 is known
    smoothed = smoothed_elevation(dist, ele, 30.0)
    assert smoothed[:3].tolist() == pytest.approx([1.0, 2.0, 3.0])
    assert np.isnan(smoothed[4])


def test_elevation_gain_on_a_sawtooth_uses_three_metre_hysteresis():
    profile = np.array([0.0, 10, 8, 12, 9, 9.5, 20, 0, 2.5, 0, 5])
    # reference 0 -> 10 (+10); 8, 12, 9, 9.5 stay within 3 m of 10; 20 (+10); 0 moves the
    # reference down; 2.5 and 0 stay within 3 m of 0; 5 (+5): 25 m, where summing rises gives 32.5
    assert elevation_gain_m(profile, 3.0) == pytest.approx(25.0)


def test_a_gentle_climb_counts_in_hysteresis_steps():
    # 0 to 10 m in 0.5 m steps: the reference moves at 3.5 (+3.5) and 7.0 (+3.5); 10 is not > 10
    assert elevation_gain_m(np.arange(0.0, 10.01, 0.5), 3.0) == pytest.approx(7.0)
    # a 1 m wobble on a 20 m climb changes nothing: 0 -> 4 (+4), 8 (+4), 12 (+4), 16 (+4), 20 (+4)
    wobbly = np.array([0.0, 4, 3, 8, 7, 12, 11, 16, 15, 20])
    assert elevation_gain_m(wobbly, 3.0) == pytest.approx(20.0)


def test_elevation_gain_ignores_unknown_points_and_flat_profiles():
    assert elevation_gain_m(np.array([5.0, 6.0, 7.5, np.nan]), 3.0) == 0.0
    assert elevation_gain_m(np.array([np.nan, 0.0, np.nan, 4.0]), 3.0) == pytest.approx(4.0)
    assert elevation_gain_m(np.array([]), 3.0) == 0.0
