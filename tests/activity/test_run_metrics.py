"""Per-run figures: Minetti cost, GAP, best efforts, steadiness, EF, decoupling, TRIMP."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pytest

from pipelines.activity.run_metrics import (
    best_efforts_s,
    decoupling_pct,
    interval_grades,
    minetti_cost,
    speed_variability,
)
from pipelines.activity.summarize import summarize
from pipelines.parsers.schemas import SAMPLE_SCHEMA, ParsedActivity
from pipelines.settings import Thresholds

T0 = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)

# Minetti 2002, C(i) = 155.4 i^5 - 30.4 i^4 - 43.3 i^3 + 46.3 i^2 + 19.5 i + 3.6, evaluated by hand:
C_PLUS_10 = 0.001554 - 0.00304 - 0.0433 + 0.463 + 1.95 + 3.6  # 5.968214
C_PLUS_5 = 0.0000485625 - 0.00019 - 0.0054125 + 0.11575 + 0.975 + 3.6  # 4.6851960625
C_MINUS_5 = -0.0000485625 - 0.00019 + 0.0054125 + 0.11575 - 0.975 + 3.6  # 2.7459239375
C_MINUS_10 = -0.001554 - 0.00304 + 0.0433 + 0.463 - 1.95 + 3.6  # 2.151706


def run(
    seconds: list[float],
    dist: list[float],
    *,
    ele: list[float] | None = None,
    hr: list[float] | None = None,
    seg: list[int] | None = None,
    sport: str = "running",
) -> ParsedActivity:
    """A device-distance activity (no positions) starting at T0."""
    n = len(seconds)
    frame = pl.DataFrame(
        {
            "t": [T0 + timedelta(seconds=s) for s in seconds],
            "lat": [None] * n,
            "lon": [None] * n,
            "ele": ele or [None] * n,
            "dist_m": dist,
            "hr": hr or [None] * n,
            "cad": [None] * n,
            "seg": seg or [0] * n,
        },
        schema=SAMPLE_SCHEMA,
    )
    return ParsedActivity(source_format="fit", sport=sport, samples=frame, start_utc=T0)


def steady(minutes: int, hr_first_half: float, hr_second_half: float) -> ParsedActivity:
    """A flat run at 3 m/s sampled at 1 Hz, HR changing at half time."""
    seconds = list(range(minutes * 60 + 1))
    half = minutes * 30
    hr = [hr_first_half if s <= half else hr_second_half for s in seconds]
    return run(seconds, [3.0 * s for s in seconds], hr=hr)


def test_minetti_cost_matches_the_polynomial_and_metrics_sanity_values():
    grades = np.array([0.1, 0.05, -0.05, -0.1, 0.0, 0.6])
    expected = [C_PLUS_10, C_PLUS_5, C_MINUS_5, C_MINUS_10, 3.6, minetti_cost(np.array(0.45))]
    assert minetti_cost(grades).tolist() == pytest.approx(expected)
    # METRICS.md sanity factors agree with the polynomial to the two decimals it quotes
    factors = minetti_cost(np.array([0.1, 0.05, -0.05, -0.1, -0.18])) / 3.6
    assert factors.round(2).tolist() == [1.66, 1.30, 0.76, 0.60, 0.49]


def test_interval_grade_is_the_slope_of_each_interval_when_samples_are_sparse():
    dist = np.array([0.0, 50, 100, 150])
    ele = np.array([0.0, 2.5, 0.0, np.nan])
    assert interval_grades(dist, ele, 30.0)[1:].tolist() == pytest.approx([0.05, -0.05, 0.0])


def test_gap_on_one_km_up_at_five_percent_and_one_km_down():
    # 4 m/s throughout, a sample every 50 m: the 30 m windows then see each interval's own slope
    dist = [50.0 * k for k in range(41)]
    ele = [0.05 * d if d <= 1000 else 50 - 0.05 * (d - 1000) for d in dist]
    summary, _ = summarize(run([d / 4 for d in dist], dist, ele=ele), "Europe/London")
    flat_equivalent_m = (1000 * C_PLUS_5 + 1000 * C_MINUS_5) / 3.6  # 2064.2 m
    assert summary["pace_s_per_km"] == pytest.approx(250.0)
    assert summary["gap_s_per_km"] == pytest.approx(500 / flat_equivalent_m * 1000)  # 242.22
    assert summary["elev_gain_m"] == pytest.approx(50.0)


def test_best_effort_interpolates_the_start():
    # 1000 m at 4 m/s then 500 m at 5 m/s: the best km starts 500 m in (t = 125 s)
    dist = np.array([0.0, 1000, 1500])
    elapsed = np.array([0.0, 250, 350])
    best_1k, best_5k = best_efforts_s(dist, elapsed, (1000.0, 5000.0))
    assert best_1k == pytest.approx(225.0) and best_5k is None


def test_best_effort_of_a_run_of_exactly_the_distance_is_the_whole_run():
    # 0.3 m to 1000.3 m: 1000.3 - 1000 < 0.3 in floats, yet 0.3 + 1000 <= 1000.3 (it crashed)
    dist = np.array([0.3, 500.3, 1000.3])
    elapsed = np.array([0.0, 100, 200])
    assert best_efforts_s(dist, elapsed, (1000.0,)) == [pytest.approx(200.0)]


def test_best_effort_finds_the_fast_middle_kilometre():
    # 1 km at 4 m/s, 1 km at 5 m/s, 1 km at 4 m/s, a sample every 10 s
    seconds = np.arange(0.0, 701.0, 10.0)
    dist = np.interp(seconds, [0, 250, 450, 700], [0, 1000, 2000, 3000])
    # and the fastest 2 km: the fast middle one and 1 km at 4 m/s, 450 s
    assert best_efforts_s(dist, seconds, (1000.0, 2000.0)) == [
        pytest.approx(200.0),
        pytest.approx(450.0),
    ]


def test_best_effort_counts_a_pause():
    # 600 m at 5 m/s, a 300 s pause (new segment), 600 m at 5 m/s: every km spans the pause
    seconds = [10.0 * k for k in range(13)] + [420.0 + 10 * k for k in range(13)]
    dist = [50.0 * k for k in range(13)] + [600.0 + 50 * k for k in range(13)]
    summary, _ = summarize(run(seconds, dist, seg=[0] * 13 + [1] * 13), "Europe/London")
    assert summary["best_1k_s"] == pytest.approx(1000 / 5 + 300)
    assert summary["best_5k_s"] is None
    assert summary["timer_s"] == 240.0
    assert summary["elapsed_s"] == 540.0


def test_speed_variability_of_three_one_minute_speeds():
    # 60 s at 1 m/s, 60 s at 2 m/s, 60 s at 3 m/s: CV = std(1, 2, 3) / mean = 1 / 2
    speeds = np.repeat([1.0, 2.0, 3.0], 60)
    moving_time = np.arange(1.0, 181.0)
    assert speed_variability(moving_time, np.cumsum(speeds), 60.0) == pytest.approx(0.5)
    assert speed_variability(np.array([]), np.array([]), 60.0) is None


def test_ef_and_decoupling_on_a_steady_run():
    summary, _ = summarize(steady(40, 140.0, 150.0), "Europe/London")
    # 3 m/s on the flat = 180 m/min; mean HR 145, halves 140 and 150
    assert summary["is_steady"] is True
    assert summary["ef"] == pytest.approx(180 / 145)
    assert summary["decoupling_pct"] == pytest.approx(100 * (180 / 140 - 180 / 150) / (180 / 140))
    assert summary["decoupling_pct"] == pytest.approx(100 / 15)


def test_short_or_uneven_runs_are_not_steady():
    short, _ = summarize(steady(15, 140.0, 150.0), "Europe/London")
    assert short["is_steady"] is False
    assert short["ef"] is None and short["decoupling_pct"] is None
    # alternating minutes at 2 and 4 m/s: CV of the minute speeds is about 0.34
    seconds = list(range(40 * 60 + 1))
    dist = np.cumsum([0.0] + [2.0 if (s // 60) % 2 == 0 else 4.0 for s in seconds[:-1]])
    uneven, _ = summarize(run(seconds, dist.tolist(), hr=[140.0] * len(seconds)), "Europe/London")
    assert uneven["is_steady"] is False
    assert uneven["ef"] is None


def test_trimp_by_hand():
    # 10 minutes moving at HR 150 with rest 50 and max 190: dHR = 100 / 140
    seconds = list(range(601))
    activity = run(seconds, [3.0 * s for s in seconds], hr=[150.0] * 601)
    d = 100 / 140
    women = 10 * d * 0.86 * math.exp(1.67 * d)  # 20.25
    men = 10 * d * 0.64 * math.exp(1.92 * d)  # 18.02
    for sex, expected in (("F", women), ("X", women), (None, women), ("M", men)):
        summary, _ = summarize(activity, "Europe/London", hr_rest=50, hr_max=190, sex=sex)
        assert summary["trimp"] == pytest.approx(expected)
    assert summarize(activity, "Europe/London")[0]["trimp"] is None
    no_hr = run(seconds, [3.0 * s for s in seconds])
    assert summarize(no_hr, "Europe/London", hr_rest=50, hr_max=190)[0]["trimp"] is None


def test_trimp_caps_heart_rate_at_max():
    seconds = list(range(61))
    activity = run(seconds, [3.0 * s for s in seconds], hr=[200.0] * 61)
    summary, _ = summarize(activity, "Europe/London", hr_rest=50, hr_max=190, sex="M")
    assert summary["trimp"] == pytest.approx(1 * 1.0 * 0.64 * math.exp(1.92))


def test_default_load_per_minute_is_trimp_per_minute_at_dhr_0_6():
    # 10 minutes at HR 134 with rest 50 and max 190: dHR = 84 / 140 = 0.6 exactly. By hand, per
    # minute: 0.6 x 0.86 e^(1.002) = 1.4054 (the unknown-sex weighting), men's 0.6 x 0.64 e^(1.152) = 1.2152
    seconds = list(range(601))
    activity = run(seconds, [3.0 * s for s in seconds], hr=[134.0] * 601)
    unknown, _ = summarize(activity, "Europe/London", hr_rest=50, hr_max=190, sex=None)
    assert unknown["trimp"] / 10 == pytest.approx(1.4054, abs=1e-4)
    assert Thresholds().default_load_per_minute == pytest.approx(1.4054, rel=0.05)


def test_decoupling_formula():
    assert decoupling_pct(1.2, 1.14) == pytest.approx(5.0)
    assert decoupling_pct(None, 1.0) is None
