"""Properties of the pure statistics, checked on random inputs against independent arithmetic."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from pipelines.transform.statistics.stats import (
    CONFIDENCE,
    WEEKS_PER_TREND_UNIT,
    acwr,
    clopper_pearson_ci,
    cluster_bootstrap,
    ctl_atl_tsb,
    ewma,
    ewma_lambda,
    garwood_ci,
    irr_exact_ci,
    prevalence_ci,
    theil_sen_trend,
)

PROPERTY = settings(max_examples=100, deadline=None, database=None)
HALF_ALPHA = (1 - CONFIDENCE) / 2
Z = scipy_stats.norm.ppf(1 - HALF_ALPHA)

counts_within_trials = st.integers(1, 5000).flatmap(
    lambda n: st.tuples(st.integers(0, n), st.just(n))
)
exposures = st.floats(1e-3, 1e5, allow_nan=False, allow_infinity=False)
loads = st.lists(st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False), max_size=120)
non_negative_loads = st.lists(
    st.floats(0, 1e4, allow_nan=False, allow_infinity=False), max_size=120
)
smoothing = st.floats(1e-3, 1.0, allow_nan=False, allow_infinity=False)


def ewma_loop(values: list[float], alpha: float, initial: float = 0.0) -> list[float]:
    """EWMA_t = alpha * L_t + (1 - alpha) * EWMA_{t-1}, EWMA_{-1} = initial, as a plain loop."""
    out, previous = [], initial
    for value in values:
        previous = alpha * value + (1 - alpha) * previous
        out.append(previous)
    return out


def assert_matches_loop(got: np.ndarray, expected: list[float], values: list[float]) -> None:
    """Equal up to float rounding of a sum of terms no bigger than the largest input."""
    scale = max([1.0, *(abs(v) for v in values)])
    assert got.shape == (len(expected),)
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9 * scale)


@PROPERTY
@given(st.lists(counts_within_trials, min_size=1, max_size=30))
def test_wilson_bounds_lie_in_unit_interval_around_the_observed_proportion(pairs):
    k = np.array([pair[0] for pair in pairs])
    n = np.array([pair[1] for pair in pairs])
    low, high = prevalence_ci(k, n)
    assert low.shape == high.shape == (len(pairs),)
    for lo, hi, cases, respondents in zip(low, high, k, n, strict=True):
        assert 0.0 <= lo <= cases / respondents <= hi <= 1.0
        assert (lo == 0.0) == (cases == 0)
        assert (hi == 1.0) == (cases == respondents)


@PROPERTY
@given(counts_within_trials)
def test_wilson_bounds_are_the_roots_of_the_score_equation(pair):
    # Wilson's bounds solve n * (p_hat - p)^2 = z^2 * p * (1 - p)
    k, n = pair
    low, high = prevalence_ci(np.array([k]), np.array([n]))
    for bound in (float(low[0]), float(high[0])):
        lhs = n * (k / n - bound) ** 2
        rhs = Z**2 * bound * (1 - bound)
        assert math.isclose(lhs, rhs, rel_tol=1e-9, abs_tol=1e-12)


@PROPERTY
@given(counts_within_trials)
def test_wilson_interval_is_symmetric_under_swapping_cases_and_non_cases(pair):
    k, n = pair
    low, high = prevalence_ci(np.array([k, n - k]), np.array([n, n]))
    assert math.isclose(low[0], 1 - high[1], abs_tol=1e-12)
    assert math.isclose(high[0], 1 - low[1], abs_tol=1e-12)


@PROPERTY
@given(st.integers(0, 2000), exposures)
def test_garwood_bounds_contain_the_observed_rate(cases, exposure):
    low, high = garwood_ci(cases, exposure)
    assert 0.0 <= low <= cases / exposure < high
    assert (low == 0.0) == (cases == 0)


@PROPERTY
@given(st.integers(0, 2000), st.integers(1, 50), exposures)
def test_garwood_bounds_increase_with_the_number_of_cases(cases, more, exposure):
    low, high = garwood_ci(cases, exposure)
    low_more, high_more = garwood_ci(cases + more, exposure)
    assert low < low_more
    assert high < high_more


@PROPERTY
@given(st.integers(0, 2000), exposures)
def test_garwood_scales_inversely_with_exposure(cases, exposure):
    low_unit, high_unit = garwood_ci(cases, 1.0)
    low, high = garwood_ci(cases, exposure)
    assert math.isclose(low, low_unit / exposure, rel_tol=1e-12)
    assert math.isclose(high, high_unit / exposure, rel_tol=1e-12)


@PROPERTY
@given(st.integers(0, 2000))
def test_garwood_bounds_leave_half_alpha_in_each_poisson_tail(cases):
    # P(X >= k | mu = low) = alpha / 2 and P(X <= k | mu = high) = alpha / 2
    low, high = garwood_ci(cases, 1.0)
    assert math.isclose(scipy_stats.poisson.cdf(cases, high), HALF_ALPHA, rel_tol=1e-8)
    if cases > 0:
        assert math.isclose(scipy_stats.poisson.sf(cases - 1, low), HALF_ALPHA, rel_tol=1e-8)


@PROPERTY
@given(counts_within_trials)
def test_clopper_pearson_bounds_contain_the_proportion_and_leave_half_alpha_per_tail(pair):
    k, n = pair
    low, high = clopper_pearson_ci(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0
    assert (low == 0.0) == (k == 0)
    assert (high == 1.0) == (k == n)
    if k > 0:
        assert math.isclose(scipy_stats.binom.sf(k - 1, n, low), HALF_ALPHA, rel_tol=1e-8)
    if k < n:
        assert math.isclose(scipy_stats.binom.cdf(k, n, high), HALF_ALPHA, rel_tol=1e-8)


@PROPERTY
@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n - 1), st.just(n))))
def test_clopper_pearson_bounds_increase_with_successes(pair):
    k, n = pair
    low, high = clopper_pearson_ci(k, n)
    low_more, high_more = clopper_pearson_ci(k + 1, n)
    assert low < low_more
    assert high < high_more


@PROPERTY
@given(st.integers(0, 500), exposures, st.integers(1, 500), exposures)
def test_irr_interval_contains_the_rate_ratio(cases, hours, reference_cases, reference_hours):
    ratio = irr_exact_ci(cases, hours, reference_cases, reference_hours)
    expected = (cases / hours) / (reference_cases / reference_hours)
    assert ratio.irr is not None
    assert math.isclose(ratio.irr, expected, rel_tol=1e-12)
    assert ratio.ci_low is not None and ratio.ci_high is not None
    assert ratio.ci_low <= ratio.irr * (1 + 1e-9)
    assert ratio.irr <= ratio.ci_high * (1 + 1e-9)
    assert (ratio.ci_low == 0.0) == (cases == 0)


@PROPERTY
@given(loads, smoothing, st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False))
def test_ewma_equals_the_plain_recursion(values, alpha, initial):
    got = ewma(np.array(values, dtype=float), alpha, initial)
    assert_matches_loop(got, ewma_loop(values, alpha, initial), [*values, initial])


@PROPERTY
@given(loads, st.integers(1, 120))
def test_ewma_with_williams_lambda_equals_the_plain_recursion(values, days):
    alpha = ewma_lambda(days)
    assert alpha == 2.0 / (days + 1)
    got = ewma(np.array(values, dtype=float), alpha)
    assert_matches_loop(got, ewma_loop(values, alpha), values)


@PROPERTY
@given(loads)
def test_ewma_with_alpha_one_is_the_input(values):
    x = np.array(values, dtype=float)
    assert ewma(x, 1.0).tolist() == values


@PROPERTY
@given(loads, smoothing)
def test_ewma_stays_between_the_extremes_of_the_loads_and_the_start(values, alpha):
    got = ewma(np.array(values, dtype=float), alpha)
    lowest, highest = min([0.0, *values]), max([0.0, *values])
    slack = 1e-9 * max([1.0, *(abs(v) for v in values)])
    assert all(lowest - slack <= v <= highest + slack for v in got)


@PROPERTY
@given(loads, st.integers(2, 60), st.integers(1, 20))
def test_ctl_atl_are_ewmas_and_tsb_is_yesterdays_ctl_minus_atl(values, ctl_days, atl_days):
    result = ctl_atl_tsb(np.array(values, dtype=float), ctl_days, atl_days)
    ctl = ewma_loop(values, 1.0 / ctl_days)
    atl = ewma_loop(values, 1.0 / atl_days)
    assert_matches_loop(result.ctl, ctl, values)
    assert_matches_loop(result.atl, atl, values)
    assert result.tsb.shape == (len(values),)
    if values:
        assert result.tsb[0] == 0.0
        assert result.tsb[1:].tolist() == (result.ctl - result.atl)[:-1].tolist()
        assert_matches_loop(
            result.tsb[1:], [c - a for c, a in zip(ctl, atl, strict=True)][:-1], values
        )


@PROPERTY
@given(non_negative_loads, st.integers(0, 40))
def test_acwr_is_acute_over_chronic_after_the_history_window(values, min_history):
    ratio = acwr(np.array(values, dtype=float), 7, 28, min_history).ratio
    seed = sum(values[:7]) / len(values[:7]) if values else 0.0
    acute = ewma_loop(values, 2 / 8, seed)
    chronic = ewma_loop(values, 2 / 29, seed)
    assert ratio.shape == (len(values),)
    for day, got in enumerate(ratio):
        if day < min_history - 1 or chronic[day] <= 0:
            assert math.isnan(got)
        else:
            assert math.isclose(got, acute[day] / chronic[day], rel_tol=1e-9)


@PROPERTY
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.floats(0.1, 20, allow_nan=False)), min_size=1, max_size=12
    ),
    st.integers(1, 300),
    st.integers(1, 120),
)
def test_cluster_bootstrap_ratios_stay_between_the_athletes_own(athletes, replicates, chunk):
    # a ratio of sums over resampled athletes lies between the smallest and largest athlete's own
    # ratio; every replicate is returned whatever the chunk size
    cases, hours = (np.array(column, dtype=float) for column in zip(*athletes, strict=True))
    got = cluster_bootstrap(
        lambda w: (w @ cases) / (w @ hours), len(athletes), replicates, 3, chunk
    )
    assert got.shape == (replicates,)
    own = cases / hours
    assert np.all(got >= own.min() - 1e-12) and np.all(got <= own.max() + 1e-12)


@PROPERTY
@given(
    st.sets(st.integers(0, 60), min_size=6, max_size=20),
    st.integers(-40, 40),
    st.integers(-400, 400),
)
def test_theil_sen_on_an_exact_line_returns_its_slope_with_a_zero_width_interval(
    weeks, quarter_slope, intercept
):
    # slope a multiple of 1/4 and integer weeks: every pairwise slope is exact in binary floats
    slope = quarter_slope / 4
    x = np.array(sorted(weeks), dtype=float)
    trend = theil_sen_trend(x, intercept + slope * x)
    expected = slope * WEEKS_PER_TREND_UNIT
    assert (trend.n_weeks, trend.slope, trend.ci_low, trend.ci_high) == (
        len(weeks),
        expected,
        expected,
        expected,
    )
    assert trend.direction == ("improving" if slope < 0 else "slower" if slope > 0 else "flat")


@PROPERTY
@given(
    st.lists(st.floats(180, 600, allow_nan=False), min_size=6, max_size=20),
)
def test_theil_sen_interval_contains_its_slope(gaps):
    x = np.arange(len(gaps), dtype=float)
    trend = theil_sen_trend(x, np.array(gaps))
    assert trend.slope is not None and trend.ci_low is not None and trend.ci_high is not None
    assert trend.ci_low <= trend.slope <= trend.ci_high
