"""The pure statistics against published tables and by-hand arithmetic."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from pipelines.transform.statistics.stats import (
    acwr,
    cluster_bootstrap,
    ctl_atl_tsb,
    ewma,
    garwood_ci,
    irr_exact_ci,
    percentile_ci,
    prevalence_ci,
    sen_slope,
    sen_slopes,
    theil_sen_trend,
)


@pytest.mark.parametrize(
    ("cases", "low", "high"),
    # Exact Poisson 95% limits for k events in T = 1 (Garwood 1936; e.g. Ulm 1990 table).
    [(0, 0.0, 3.689), (1, 0.0253, 5.572), (10, 4.795, 18.39)],
)
def test_garwood_matches_published_table(cases: int, low: float, high: float) -> None:
    got_low, got_high = garwood_ci(cases, 1.0)
    assert got_low == pytest.approx(low, abs=5e-4)  # the table rounds
    assert got_high == pytest.approx(high, rel=1e-3)


def test_garwood_scales_with_exposure() -> None:
    low, high = garwood_ci(10, 500.0)
    assert (low * 1000, high * 1000) == pytest.approx((9.590, 36.78), rel=1e-3)


def _binomial_tail_root(k: int, n: int, upper: bool) -> float:
    """Clopper-Pearson bound solved by bisection on exact binomial sums (independent of scipy)."""

    def tail(p: float) -> float:
        terms = [math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(n + 1)]
        return sum(terms[: k + 1]) if upper else sum(terms[k:])

    lo, hi = 0.0, 1.0
    for _ in range(100):
        mid = (lo + hi) / 2
        # upper bound: P(X <= k | p) = 0.025, decreasing in p; lower: P(X >= k | p) = 0.025, increasing
        if (tail(mid) > 0.025) == upper:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def test_irr_exact_ci_is_clopper_pearson_on_the_case_split() -> None:
    # 10 cases in 1000 h vs 20 cases in 2000 h: IRR 1; p = a/(a+b) = 10/30.
    p_low = _binomial_tail_root(10, 30, upper=False)
    p_high = _binomial_tail_root(10, 30, upper=True)
    assert (p_low, p_high) == pytest.approx((0.1729, 0.5281), abs=1e-4)  # CP table, 10/30
    ratio = irr_exact_ci(10, 1000.0, 20, 2000.0)
    assert ratio.irr == pytest.approx(1.0)
    assert ratio.ci_low == pytest.approx(2 * p_low / (1 - p_low), rel=1e-6)
    assert ratio.ci_high == pytest.approx(2 * p_high / (1 - p_high), rel=1e-6)


def test_irr_without_cases_cannot_be_bounded_above_or_estimated() -> None:
    no_reference_cases = irr_exact_ci(3, 100.0, 0, 100.0)
    assert no_reference_cases.irr is None and no_reference_cases.ci_high is None
    assert no_reference_cases.ci_low > 0
    none_at_all = irr_exact_ci(0, 100.0, 0, 100.0)
    assert none_at_all.irr is None and none_at_all.ci_low is None
    zero_in_group = irr_exact_ci(0, 100.0, 5, 100.0)
    assert zero_in_group.irr == 0 and zero_in_group.ci_low == 0 and zero_in_group.ci_high > 0


def test_wilson_prevalence_on_three_of_ten() -> None:
    # By hand: p = .3, z = 1.959964, centre = (.3 + z^2/20)/(1 + z^2/10) = .355506,
    # half = z sqrt(.021 + z^2/400)/(1 + z^2/10) = .247715.
    low, high = prevalence_ci(np.array([3, 0]), np.array([10, 5]))
    assert low[0] == pytest.approx(0.10779, abs=1e-5)
    assert high[0] == pytest.approx(0.60322, abs=1e-5)
    # 0/5: lower 0, upper z^2/(n + z^2) = 3.8415/8.8415
    assert low[1] == 0
    assert high[1] == pytest.approx(0.43448, abs=1e-5)


def test_cluster_bootstrap_against_a_bootstrap_by_hand() -> None:
    # three athletes' (cases, hours): a ratio of sums, resampled by athlete with the same draws
    cases, hours = np.array([2.0, 0.0, 1.0]), np.array([10.0, 5.0, 4.0])
    got = cluster_bootstrap(lambda w: (w @ cases) / (w @ hours), 3, 600, seed=5, chunk=250)
    draws = np.random.default_rng(5).integers(0, 3, size=(600, 3))
    by_hand = [sum(cases[i] for i in row) / sum(hours[i] for i in row) for row in draws]
    assert got == pytest.approx(by_hand, rel=1e-12)


def test_percentile_ci_drops_undefined_and_leaves_infinite_bounds_open() -> None:
    # 40 values 1..40 plus NaNs: inverted-CDF 2.5% and 97.5% of 40 sorted values = 1st and 39th
    values = np.concatenate([np.arange(1.0, 41.0), [np.nan] * 5])
    assert percentile_ci(values) == (1.0, 39.0)
    assert percentile_ci(np.array([1.0, np.inf, np.inf])) == (1.0, None)
    assert percentile_ci(np.array([np.nan])) == (None, None)


def test_ewma_hand_example() -> None:
    # A hand-computed example (not Williams et al.'s own table, which we cannot quote exactly):
    # lambda = 2/(7+1) = 0.25, loads 100, 0, 200 from EWMA_{-1} = 0:
    # 25, 0.75*25 = 18.75, 0.25*200 + 0.75*18.75 = 64.0625
    assert ewma(np.array([100.0, 0.0, 200.0]), 0.25) == pytest.approx([25.0, 18.75, 64.0625])


def test_ctl_atl_tsb_by_hand() -> None:
    # CTL += (L - CTL)/42, ATL += (L - ATL)/7, TSB_t = CTL_{t-1} - ATL_{t-1}
    loads = np.array([42.0, 0.0, 84.0])
    ctl1, atl1 = 1.0, 6.0
    ctl2, atl2 = ctl1 - ctl1 / 42, atl1 - atl1 / 7  # 0.976190, 5.142857
    ctl3, atl3 = ctl2 + (84 - ctl2) / 42, atl2 + (84 - atl2) / 7
    got = ctl_atl_tsb(loads)
    assert got.ctl == pytest.approx([ctl1, ctl2, ctl3])
    assert got.atl == pytest.approx([atl1, atl2, atl3])
    assert got.tsb == pytest.approx([0.0, ctl1 - atl1, ctl2 - atl2])
    assert ctl3 == pytest.approx(2.952948, abs=1e-6) and atl3 == pytest.approx(16.408163, abs=1e-6)


def test_acwr_is_hidden_before_28_days_and_one_on_steady_load_from_its_first_shown_day() -> None:
    ratio = acwr(np.full(28, 50.0)).ratio
    assert np.isnan(ratio[:27]).all()
    # both EWMAs start at the first week's mean, 50, and stay there: 50 / 50 on day 28 (from zero it
    # was (1 - 0.75^28) / (1 - (27/29)^28) = 1.157)
    assert ratio[27] == pytest.approx(1.0, rel=1e-12)


def test_acwr_seed_is_the_first_weeks_mean_daily_load_rest_days_included() -> None:
    # 70 on days 1, 3 and 5 of the first week: seed 210 / 7 = 30; day 1's acute EWMA
    # = 2/8 x 70 + 6/8 x 30 = 40, chronic = 2/29 x 70 + 27/29 x 30 = 32.7586
    got = acwr(np.array([70.0, 0, 70, 0, 70, 0, 0, 0]), min_history_days=1)
    assert got.acute[0] == pytest.approx(40.0)
    assert got.chronic[0] == pytest.approx(2 / 29 * 70 + 27 / 29 * 30)
    assert got.ratio[0] == pytest.approx(40.0 / (2 / 29 * 70 + 27 / 29 * 30))


def test_theil_sen_hand_example() -> None:
    # Six weekly GAPs; the 15 pairwise slopes sorted are -5, -3 x6, -2.6, -2.5 x2, -2.333, -2 x2, -1 x2.
    # Median (8th) = -2.6 s/km/week. Sen's 95% CI (scipy's ranks for n = 6, no ties): C = 1.96 *
    # sqrt(6*5*17/18) = 10.43, so the 2nd and 14th slopes: -3 and -1. Per 4 weeks: -10.4 (-12, -4).
    trend = theil_sen_trend(np.arange(6), np.array([300, 297, 296, 291, 290, 287.0]), min_weeks=6)
    assert trend.slope == pytest.approx(-10.4)
    assert (trend.ci_low, trend.ci_high) == pytest.approx((-12.0, -4.0))
    assert trend.direction == "improving" and trend.n_weeks == 6


def test_theil_sen_known_slope_flat_and_too_few_weeks() -> None:
    weeks = np.array([0, 1, 2, 4, 5, 7, 8, 9.0])  # gaps in the weeks are fine
    slower = theil_sen_trend(weeks, 280 + 1.5 * weeks)
    assert slower.slope == pytest.approx(6.0) and slower.direction == "slower"
    zigzag = theil_sen_trend(np.arange(8.0), np.array([300, 310, 300, 310, 300, 310, 300, 310.0]))
    assert zigzag.ci_low <= 0 <= zigzag.ci_high and zigzag.direction == "flat"
    few = theil_sen_trend(np.arange(5.0), np.arange(5.0), min_weeks=6)
    assert few.direction == "insufficient_data" and few.slope is None and few.n_weeks == 5


def test_sen_slope_is_scipys_theilslopes_to_the_bit() -> None:
    rng = np.random.default_rng(20)
    cases = []
    for case in range(400):
        n = int(rng.integers(2, 160))
        x = np.sort(rng.choice(np.arange(200.0), n, replace=case % 3 == 0))  # ties in x too
        y = np.round(rng.normal(300, 8, n), case % 4)  # rounded: ties in y
        if np.ptp(x) == 0:
            continue
        expected = stats.theilslopes(y, x, alpha=0.95)
        expected = (expected.slope, expected.low_slope, expected.high_slope)
        assert sen_slope(y, x, 0.95) == expected
        cases.append((x, y, expected))
    # all at once, NaN-padded to the longest, as the pace trends compute them
    width = max(len(x) for x, _, _ in cases)
    xs, ys = np.full((len(cases), width), np.nan), np.full((len(cases), width), np.nan)
    for row, (x, y, _) in enumerate(cases):
        xs[row, : len(x)], ys[row, : len(y)] = x, y
    together = sen_slopes(ys, xs, 0.95)
    assert [tuple(float(v[row]) for v in together) for row in range(len(cases))] == [
        expected for _, _, expected in cases
    ]
