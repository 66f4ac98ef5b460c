"""Pure numeric functions behind the statistical marts: exact CIs, EWMA loads and pace trends."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import signal, stats

from pipelines.settings import Thresholds

CONFIDENCE = 0.95
BOOTSTRAP_CHUNK = 250  # replicates resampled at once: memory ~ chunk x athletes
WEEKS_PER_TREND_UNIT = 4  # slopes are reported per 4 weeks (a training block)


def garwood_ci(cases: int, exposure: float, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Exact Poisson (Garwood) CI for a rate of `cases` events over `exposure` units of time."""
    alpha = 1.0 - confidence
    low = stats.chi2.ppf(alpha / 2, 2 * cases) / (2 * exposure) if cases > 0 else 0.0
    high = stats.chi2.ppf(1 - alpha / 2, 2 * cases + 2) / (2 * exposure)
    return float(low), float(high)


def clopper_pearson_ci(
    successes: int, trials: int, confidence: float = CONFIDENCE
) -> tuple[float, float]:
    """Exact binomial (Clopper-Pearson) CI for a proportion."""
    alpha = 1.0 - confidence
    low = stats.beta.ppf(alpha / 2, successes, trials - successes + 1) if successes > 0 else 0.0
    high = (
        stats.beta.ppf(1 - alpha / 2, successes + 1, trials - successes)
        if successes < trials
        else 1.0
    )
    return float(low), float(high)


@dataclass(frozen=True)
class RateRatio:
    """An incidence rate ratio with its CI; None where the data cannot bound it (no cases)."""

    irr: float | None
    ci_low: float | None
    ci_high: float | None


def irr_exact_ci(
    cases: int,
    hours: float,
    reference_cases: int,
    reference_hours: float,
    confidence: float = CONFIDENCE,
) -> RateRatio:
    """IRR of a group vs a reference with the exact conditional CI (Clopper-Pearson on a/(a+b)).

    Given a + b cases, a ~ Binomial(a + b, p) with p = T1 IRR / (T1 IRR + T0), so
    IRR = (T0 / T1) * p / (1 - p) evaluated at the Clopper-Pearson bounds of p.
    """
    if hours <= 0 or reference_hours <= 0 or cases + reference_cases == 0:
        return RateRatio(None, None, None)
    irr = (cases / hours) / (reference_cases / reference_hours) if reference_cases > 0 else None
    p_low, p_high = clopper_pearson_ci(cases, cases + reference_cases, confidence)
    scale = reference_hours / hours
    low = scale * p_low / (1 - p_low) if p_low < 1 else None
    high = scale * p_high / (1 - p_high) if p_high < 1 else None
    return RateRatio(irr, low, high)


def prevalence_ci(
    cases: np.ndarray, respondents: np.ndarray, confidence: float = CONFIDENCE
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score CI for weekly prevalences (vectorised over weeks)."""
    k = np.asarray(cases, dtype=float)
    n = np.asarray(respondents, dtype=float)
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denominator = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denominator
        half_width = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
    # the bounds are exactly 0 at k = 0 and 1 at k = n; set them so rounding cannot leave 1e-17
    low = np.where(k == 0, 0.0, np.clip(centre - half_width, 0, 1))
    high = np.where(k == n, 1.0, np.clip(centre + half_width, 0, 1))
    return low, high


def cluster_bootstrap(
    statistic: Callable[[np.ndarray], np.ndarray],
    clusters: int,
    replicates: int,
    seed: int,
    chunk: int = BOOTSTRAP_CHUNK,
) -> np.ndarray:
    """`replicates` values of a statistic over clusters (athletes) resampled with replacement.

    `statistic` maps a (k, clusters) matrix of how often each cluster was drawn in each of k
    replicates to the k replicate values; it sees at most `chunk` replicates at a time, so memory
    stays bounded by chunk x clusters whatever `replicates` is. Draws: numpy's default_rng(seed),
    integers(0, clusters, size=(k, clusters)) per chunk.
    """
    return cluster_bootstraps([statistic], clusters, replicates, seed, chunk)[0]


def cluster_bootstraps(
    statistics: Sequence[Callable[[np.ndarray], np.ndarray]],
    clusters: int,
    replicates: int,
    seed: int,
    chunk: int = BOOTSTRAP_CHUNK,
) -> list[np.ndarray]:
    """`cluster_bootstrap` of each statistic over the same clusters, from one set of draws: each
    gets exactly the values it would get alone (drawing is most of the cost: nine injury IRRs over
    three athlete counts took 0.24 s drawn apiece at 2,000 athletes)."""
    rng = np.random.default_rng(seed)
    values: list[list[np.ndarray]] = [[] for _ in statistics]
    for start in range(0, replicates, chunk):
        k = min(chunk, replicates - start)
        drawn = rng.integers(0, clusters, size=(k, clusters))
        offsets = (np.arange(k) * clusters)[:, None]
        counts = np.bincount((drawn + offsets).ravel(), minlength=k * clusters)
        weights = counts.reshape(k, clusters).astype(float)
        for out, statistic in zip(values, statistics, strict=True):
            out.append(statistic(weights))
    return [np.concatenate(v) if v else np.empty(0) for v in values]


def percentile_ci(
    replicates: np.ndarray, confidence: float = CONFIDENCE
) -> tuple[float | None, float | None]:
    """Percentile interval of bootstrap replicates (undefined replicates, NaN, left out); a bound
    that is infinite (the ratio's denominator was 0 in many replicates) is None: unbounded."""
    values = np.asarray(replicates, dtype=float)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return None, None
    alpha = round(1.0 - confidence, 12)  # 1 - 0.95 is 0.0500000000000000444: one rank too far
    low, high = np.quantile(values, [alpha / 2, 1 - alpha / 2], method="inverted_cdf")
    return (
        float(low) if np.isfinite(low) else None,
        float(high) if np.isfinite(high) else None,
    )


def cluster_ci_method(thresholds: Thresholds) -> str:
    """How the athlete-clustered intervals are made, as the marts and pages name it."""
    return (
        f"athlete cluster bootstrap, percentile, {thresholds.bootstrap_replicates} replicates "
        f"(seed {thresholds.bootstrap_seed})"
    )


def ratio_of_sums(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Elementwise numerator / denominator: inf where only the denominator is 0, NaN where both are."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(numerator, dtype=float) / np.asarray(denominator, dtype=float)


def ewma(loads: np.ndarray, alpha: float, initial: float = 0.0) -> np.ndarray:
    """EWMA_t = alpha * L_t + (1 - alpha) * EWMA_{t-1}, starting from EWMA_{-1} = initial."""
    x = np.asarray(loads, dtype=float)
    if x.size == 0:
        return x
    filtered, _ = signal.lfilter([alpha], [1.0, alpha - 1.0], x, zi=[(1.0 - alpha) * initial])
    return filtered


def ewma_lambda(days: int) -> float:
    """Williams et al. 2017 decay: lambda = 2 / (N + 1)."""
    return 2.0 / (days + 1)


@dataclass(frozen=True)
class FitnessFatigue:
    """Daily chronic load (fitness), acute load (fatigue) and form."""

    ctl: np.ndarray
    atl: np.ndarray
    tsb: np.ndarray


def ctl_atl_tsb(
    loads: np.ndarray,
    ctl_days: int = 42,
    atl_days: int = 7,
    before: tuple[float, float] = (0.0, 0.0),
) -> FitnessFatigue:
    """CTL_t = CTL_{t-1} + (L_t - CTL_{t-1}) / 42, ATL likewise with 7, TSB_t = CTL_{t-1} - ATL_{t-1}.

    `before`: CTL and ATL of the day before the first load; zero where the series starts."""
    ctl = ewma(loads, 1.0 / ctl_days, before[0])
    atl = ewma(loads, 1.0 / atl_days, before[1])
    tsb = np.concatenate([[before[0] - before[1]], (ctl - atl)[:-1]]) if ctl.size else ctl
    return FitnessFatigue(ctl, atl, tsb)


@dataclass(frozen=True)
class AcuteChronic:
    """Daily acute and chronic EWMA loads and their ratio (NaN while hidden)."""

    acute: np.ndarray
    chronic: np.ndarray
    ratio: np.ndarray


def acwr(
    loads: np.ndarray,
    acute_days: int = 7,
    chronic_days: int = 28,
    min_history_days: int = 28,
    seed_days: int = 7,
    before: tuple[float, float, int] | None = None,
) -> AcuteChronic:
    """EWMA acute:chronic workload ratio per day; NaN before `min_history_days` days of history.

    Both EWMAs start from the mean daily load of the first `seed_days` days (rest days count as 0):
    from zero, the slower chronic average lags, so a steady load would read 1.16 on day 28.
    `before`: a series continued from the acute and chronic EWMAs and the days of history of the
    day before the first load (past the seed days).
    """
    x = np.asarray(loads, dtype=float)
    if before is None:
        seed = float(x[:seed_days].mean()) if x.size else 0.0
        before = (seed, seed, 0)
    acute = ewma(x, ewma_lambda(acute_days), before[0])
    chronic = ewma(x, ewma_lambda(chronic_days), before[1])
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(chronic > 0, acute / chronic, np.nan)
    ratio[: max(0, min_history_days - 1 - before[2])] = np.nan
    return AcuteChronic(acute, chronic, ratio)


@dataclass(frozen=True)
class PaceTrend:
    """A Theil-Sen trend of weekly GAP in s/km per 4 weeks; negative = getting faster."""

    n_weeks: int
    slope: float | None
    ci_low: float | None
    ci_high: float | None
    direction: str  # improving | flat | slower | insufficient_data


@functools.cache
def _sen_z(confidence: float) -> float:
    """The normal quantile of Sen's interval, as scipy's theilslopes computes it."""
    alpha = 1.0 - confidence if confidence > 0.5 else confidence
    return float(stats.norm.ppf(alpha / 2.0))


def _tie_terms(values: np.ndarray) -> np.ndarray:
    """sum of k (k - 1) (2k + 5) over the sizes k of groups of equal values (Sen 1968, eq. 2.6), of
    each row, NaN padding left out: each of a group's k values adds (k - 1) (2k + 5)."""
    with np.errstate(invalid="ignore"):
        equal = (values[:, :, np.newaxis] == values[:, np.newaxis, :]).sum(axis=2)
    return np.sum((equal - 1) * (2 * equal + 5) * ~np.isnan(values), axis=1)


def sen_slopes(
    y: np.ndarray, x: np.ndarray, confidence: float = CONFIDENCE
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Theil-Sen slope with Sen's (1968) CI of each row of two (rows, points) matrices, NaN-padded
    on the right: scipy.stats.theilslopes(y, x, confidence) row by row, step for step and to the
    bit (a test compares them), without its per-call overhead (0.5 ms, which was 2 s of a night's
    pace trends at 2,000 athletes) nor a numpy call per row (every athlete's last 12 weeks are
    thousands of short rows). A row without two distinct x gives NaN. Memory ~ rows x points².
    """
    if x.shape[1] < 2:  # no pair in any row
        return (np.full(len(x), np.nan),) * 3
    n = np.sum(~np.isnan(x), axis=1)
    deltax = x[:, :, np.newaxis] - x[:, np.newaxis, :]
    ahead = deltax > 0  # the padding compares false
    with np.errstate(invalid="ignore"):
        slopes = np.where(ahead, (y[:, :, np.newaxis] - y[:, np.newaxis, :]) / deltax, np.nan)
    slopes = np.sort(slopes.reshape(len(x), -1), axis=1)  # NaN last
    nt = ahead.sum(axis=(1, 2))
    sigsq = 1 / 18.0 * (n * (n - 1) * (2 * n + 5) - _tie_terms(x) - _tie_terms(y))
    z = _sen_z(confidence)
    sigma = np.sqrt(sigsq)
    upper = np.minimum(np.round((nt - z * sigma) / 2.0).astype(int), nt - 1)
    lower = np.maximum(np.round((nt + z * sigma) / 2.0).astype(int) - 1, 0)
    rows = np.arange(len(x))
    below, above = slopes[rows, (nt - 1) // 2], slopes[rows, nt // 2]
    median = np.where(nt % 2 == 1, below, (below + above) / 2)  # np.median's arithmetic
    none = nt == 0
    return (
        np.where(none, np.nan, median),
        np.where(none, np.nan, slopes[rows, lower]),
        np.where(none, np.nan, slopes[rows, upper]),
    )


def sen_slope(y: np.ndarray, x: np.ndarray, confidence: float = CONFIDENCE) -> tuple[float, ...]:
    """`sen_slopes` of one series."""
    return tuple(float(v[0]) for v in sen_slopes(y[np.newaxis], x[np.newaxis], confidence))


def theil_sen_trends(
    week_offsets: np.ndarray,
    weekly_gap: np.ndarray,
    min_weeks: int = 6,
    confidence: float = CONFIDENCE,
) -> list[PaceTrend]:
    """Theil-Sen slope of weekly GAP against week number, with Sen's CI, scaled to 4 weeks, of each
    row of two (windows, weeks) matrices NaN-padded on the right."""
    x = np.asarray(week_offsets, dtype=float)
    y = np.asarray(weekly_gap, dtype=float)
    slopes = sen_slopes(y, x, confidence)
    trends = []
    for row, size in enumerate(np.sum(~np.isnan(x), axis=1).tolist()):
        if size < max(min_weeks, 2):
            trends.append(PaceTrend(size, None, None, None, "insufficient_data"))
            continue
        slope, low, high = (float(v[row]) * WEEKS_PER_TREND_UNIT for v in slopes)
        if high < 0:
            direction = "improving"
        elif low > 0:
            direction = "slower"
        else:
            direction = "flat"
        trends.append(PaceTrend(size, slope, low, high, direction))
    return trends


def theil_sen_trend(
    week_offsets: np.ndarray,
    weekly_gap: np.ndarray,
    min_weeks: int = 6,
    confidence: float = CONFIDENCE,
) -> PaceTrend:
    """`theil_sen_trends` of one series."""
    x = np.asarray(week_offsets, dtype=float)[np.newaxis]
    return theil_sen_trends(
        x, np.asarray(weekly_gap, dtype=float)[np.newaxis], min_weeks, confidence
    )[0]
