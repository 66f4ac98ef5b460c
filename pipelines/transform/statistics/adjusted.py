"""Adjusted injury rate ratios by adherence band: a Poisson GEE on athlete-weeks, clustered by athlete.

Injuries per athlete-week are counts with log(running hours at risk) as offset (log link), the
lagged adherence band as a time-varying exposure (reference: the comparison's reference band), adjusted
for a previous injury, the previous week's running km and, where the roster has them for every athlete, age
and sex. Working correlation independence (consistent under any within-athlete correlation; the
sandwich variance clustered by athlete carries the repeated measures). Observational: an association,
not the program's effect.

An indicator covariate (a previous injury, a sex) whose weeks on one side have no case separates the
data: the likelihood keeps rising as its coefficient goes to minus or plus infinity, so it has no
finite estimate and Newton's steps never settle (a singular matrix, or no convergence). Such a
covariate is left out of the fit and named, with its athlete-weeks without cases, in
covariates_left_out. Covariates tied to one another (collinear) leave the bands not estimable, named.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import duckdb
import numpy as np
import polars as pl

from pipelines.settings import Thresholds

MODEL = (
    "Poisson GEE, log link, offset log(running hours at risk), independence working correlation, "
    "robust (sandwich) variance clustered by athlete"
)
CI_METHOD = "Wald 95% CI on the athlete-clustered robust variance"
DESIGN = "observational: an association, not the program's effect"
KM_UNIT, AGE_UNIT = 10.0, 10.0  # rate ratios per 10 km a week and per 10 years of age
GEE_MAX_ITERATIONS, GEE_TOLERANCE = 100, 1e-10  # Newton steps, and the step length that ends them
WALD_Z_95 = NormalDist().inv_cdf(0.975)

ADJUSTED_SCHEMA: dict[str, pl.DataType] = {
    "case_definition": pl.String,
    "comparison": pl.String,
    "group_label": pl.String,
    "reference_group": pl.String,
    "irr": pl.Float64,
    "ci_low": pl.Float64,
    "ci_high": pl.Float64,
    "athletes": pl.Int64,
    "athlete_weeks": pl.Int64,
    "cases": pl.Int64,
    "hours": pl.Float64,
    "adjusted_for": pl.String,
    "covariates_left_out": pl.String,
    "model": pl.String,
    "ci_method": pl.String,
    "design": pl.String,
    "not_estimable": pl.String,
    "cases_without_hours": pl.Int64,
}


@dataclass(frozen=True)
class Fit:
    """Rate ratios with CIs by design column, the covariates that went in and those left out (or why
    none could go in)."""

    ratios: dict[str, tuple[float, float, float]]
    adjusted_for: str
    left_out: str | None = None
    failure: str | None = None


@dataclass(frozen=True)
class Covariate:
    """A candidate covariate: its design column, its words, its values and, for an indicator, its
    athlete-weeks at 1 and at 0 in words."""

    name: str
    words: str
    values: pl.Series
    sides: tuple[str, str] | None = None


@dataclass(frozen=True)
class Design:
    """The design matrix, its columns in words (the intercept has none), the covariates in words,
    and the covariates left out and why."""

    exog: np.ndarray
    columns: dict[str, str]
    adjusted_for: str
    left_out: str | None


def adjusted_rate_ratios(
    int_injury_athlete_weeks: duckdb.DuckDBPyRelation,
    int_incidence_counts: duckdb.DuckDBPyRelation,
    thresholds: Thresholds,
) -> pl.DataFrame:
    """One row per case definition and adherence band compared with the reference band.

    The model sees athlete-weeks with a lagged band and running hours at risk: a case whose onset
    week has no hours at risk is outside a rate model, left out and counted in cases_without_hours. A band without
    hours or cases, or a club with too few athletes, gets no estimate and a reason in not_estimable;
    bands without cases are left out of the fit for the other bands.
    """
    groups = (
        int_incidence_counts.filter("comparison = 'adherence_band'")
        .select("case_definition, group_label, reference_group")
        .pl()
    )
    banded = (
        int_injury_athlete_weeks.filter("adherence_band IS NOT NULL")
        .order("case_definition, athlete_id, week_start")  # the fit's float sums follow row order
        .select(
            "case_definition, athlete_id, adherence_band, cases, hours_at_risk, "
            "previous_injury, previous_week_km, age_years, sex"
        )
        .pl()
    )
    weeks = banded.filter(pl.col("hours_at_risk") > 0)
    left_out = dict(
        banded.filter(pl.col("hours_at_risk") == 0)
        .group_by("case_definition")
        .agg(pl.col("cases").sum())
        .iter_rows()
    )
    rows = []
    for (definition,), bands in groups.group_by("case_definition", maintain_order=True):
        frame = weeks.filter(pl.col("case_definition") == definition)
        reference = bands["reference_group"][0]
        compared = [g for g in bands["group_label"] if g != reference]
        reasons = {g: _not_estimable(frame, g, reference, thresholds) for g in compared}
        fitted = [g for g, reason in reasons.items() if reason is None]
        sample = frame.filter(pl.col("adherence_band").is_in([*fitted, reference]))
        fit = _fit(sample, fitted) if fitted else Fit({}, "")
        for group in compared:
            row = _row(definition, group, reference, sample, fit, reasons[group])
            rows.append((*row, left_out.get(definition, 0)))
    return pl.DataFrame(rows, schema=ADJUSTED_SCHEMA, orient="row")


def _not_estimable(
    frame: pl.DataFrame, group: str, reference: str, thresholds: Thresholds
) -> str | None:
    """Why a band's adjusted ratio cannot be estimated, or None."""
    athletes = frame["athlete_id"].n_unique()
    if athletes < thresholds.adjusted_min_athletes:
        return (
            f"not estimable: only {athletes} athlete(s) ran while in an adherence band; "
            f"athlete-clustered intervals need at least {thresholds.adjusted_min_athletes}"
        )
    for band, role in (
        (reference, f"the {reference} (reference) band"),
        (group, f"the {group} band"),
    ):
        rows = frame.filter(pl.col("adherence_band") == band)
        if rows.is_empty():
            return f"not estimable: no running hours in {role}"
        if rows["cases"].sum() == 0:
            return f"not estimable: no cases in {role}, so its rate cannot be compared"
    return None


def _design(sample: pl.DataFrame, bands: list[str]) -> Design:
    """The design: intercept, band indicators, and the covariates that vary and leave no side of an
    indicator without cases."""
    columns = {"intercept": np.ones(sample.height)}
    words = {"intercept": ""}
    for band in bands:
        columns[band] = (sample["adherence_band"] == band).cast(pl.Float64).to_numpy()
        words[band] = f"the {band} band"
    candidates = [
        Covariate(
            "previous_injury",
            "a previous injury",
            sample["previous_injury"].cast(pl.Float64),
            ("with a previous injury", "without a previous injury"),
        ),
        Covariate(
            "previous_week_km",
            "the previous week's running km (per 10 km)",
            sample["previous_week_km"] / KM_UNIT,
        ),
    ]
    if sample["age_years"].null_count() == 0:
        candidates.append(Covariate("age", "age (per 10 years)", sample["age_years"] / AGE_UNIT))
    if sample["sex"].null_count() == 0:
        levels = sorted(sample["sex"].unique().to_list())
        candidates += [
            Covariate(
                f"sex_{level}",
                f"sex ({level} vs {levels[0]})",
                (sample["sex"] == level).cast(pl.Float64),
                (
                    f"of {level} athletes",
                    f"of {' or '.join(other for other in levels if other != level)} athletes",
                ),
            )
            for level in levels[1:]
        ]
    left_out = []
    for covariate in candidates:
        if covariate.values.n_unique() < 2:
            continue
        separation = _separation(covariate, sample["cases"])
        if separation is None:
            columns[covariate.name] = covariate.values.to_numpy().astype(float)
            words[covariate.name] = covariate.words
        else:
            left_out.append(separation)
    return Design(
        np.column_stack(list(columns.values())),
        words,
        ", ".join(words[c.name] for c in candidates if c.name in columns) or "nothing",
        "; ".join(left_out) or None,
    )


def _separation(covariate: Covariate, cases: pl.Series) -> str | None:
    """Why an indicator with no case on one side is left out (its coefficient has no finite
    estimate), or None."""
    if covariate.sides is None:
        return None
    for level, side in zip((1.0, 0.0), covariate.sides, strict=True):
        weeks = covariate.values == level
        if cases.filter(weeks).sum() == 0:
            return (
                f"not adjusted for {covariate.words} because no case fell in the {weeks.sum():,} "
                f"athlete-weeks {side}, so its effect cannot be estimated"
            )
    return None


def _fit(sample: pl.DataFrame, bands: list[str]) -> Fit:
    """The GEE's rate ratios for the bands (vs the reference) with Wald CIs on the robust variance."""
    design = _design(sample, bands)
    ratios, failure = _estimate(sample, bands, design)
    return Fit(ratios, design.adjusted_for, design.left_out, failure)


def _estimate(
    sample: pl.DataFrame, bands: list[str], design: Design
) -> tuple[dict[str, tuple[float, float, float]], str | None]:
    """The bands' rate ratios with their bounds, or none and why."""
    exog, names = design.exog, list(design.columns)
    rank = np.linalg.matrix_rank(exog)
    if rank < exog.shape[1]:
        # the columns whose removal keeps the rank are those a combination of the others reproduces
        tied = [
            design.columns[name]
            for j, name in enumerate(names)
            if design.columns[name] and np.linalg.matrix_rank(np.delete(exog, j, axis=1)) == rank
        ]
        return {}, (
            f"not estimable: {', '.join(tied)} are tied to one another in these athlete-weeks "
            "(one is a combination of the others), so their effects cannot be told apart"
        )
    try:
        params, bounds = poisson_gee_independence(
            sample["cases"].to_numpy().astype(float),
            exog,
            sample["athlete_id"].rank("dense").to_numpy() - 1,
            np.log(sample["hours_at_risk"].to_numpy()),
        )
    except (ValueError, np.linalg.LinAlgError) as error:
        return {}, f"not estimable: the model could not be fitted ({error})"
    ratios = {
        name: tuple(float(v) for v in np.exp([params[i], *bounds[i]]))
        for i, name in enumerate(names)
        if name in bands
    }
    if not all(np.isfinite(v).all() for v in ratios.values()):
        return {}, "not estimable: the model did not converge to finite estimates"
    return ratios, None


def poisson_gee_independence(
    counts: np.ndarray, exog: np.ndarray, clusters: np.ndarray, offset: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients and their Wald 95% bounds (one row per column of `exog`) of a Poisson GEE
    with log link, independence working correlation and robust variance clustered by `clusters`
    (0..G-1).

    With independence working correlation the GEE's estimating equations are the Poisson GLM's,
    sum x (y - mu) = 0, solved here by Newton's method (Fisher scoring: the canonical link makes
    them one); the robust variance is the sandwich A^-1 B A^-1 with A = sum mu x x' and B the sum
    over clusters of each cluster's score outer product, no small-sample correction. This is
    statsmodels' `GEE(..., Poisson(), Independence()).fit()` (the tests compare the two), in a few
    matrix products instead of its loops over clusters: at 2,000 athletes x 3 years statsmodels
    took most of a night's model time.
    """
    if counts.sum() <= 0:
        raise ValueError("no cases")
    params = np.zeros(exog.shape[1])
    params[0] = np.log(counts.sum() / np.exp(offset).sum())  # column 0 is the intercept
    for _ in range(GEE_MAX_ITERATIONS):
        mean = np.exp(offset + exog @ params)
        step = np.linalg.solve((exog * mean[:, None]).T @ exog, exog.T @ (counts - mean))
        params = params + step
        if not np.isfinite(params).all():
            raise ValueError("the estimates diverged")
        if np.sqrt(step @ step) < GEE_TOLERANCE:
            break
    else:
        raise ValueError(f"no convergence in {GEE_MAX_ITERATIONS} iterations")
    mean = np.exp(offset + exog @ params)
    bread = np.linalg.inv((exog * mean[:, None]).T @ exog)
    scores = exog * (counts - mean)[:, None]
    per_cluster = np.column_stack(
        [np.bincount(clusters, weights=scores[:, j]) for j in range(exog.shape[1])]
    )
    covariance = bread @ (per_cluster.T @ per_cluster) @ bread
    half_width = WALD_Z_95 * np.sqrt(np.diag(covariance))
    return params, np.column_stack([params - half_width, params + half_width])


def _row(
    definition: str,
    group: str,
    reference: str,
    sample: pl.DataFrame,
    fit: Fit,
    reason: str | None,
) -> tuple:
    reason = reason or fit.failure
    irr, low, high = fit.ratios.get(group, (None, None, None)) if reason is None else (None,) * 3
    used = reason is None
    return (
        definition,
        "adherence_band",
        group,
        reference,
        irr,
        low,
        high,
        sample["athlete_id"].n_unique() if used else None,
        sample.height if used else None,
        int(sample["cases"].sum()) if used else None,
        float(sample["hours_at_risk"].sum()) if used else None,
        fit.adjusted_for if used else None,
        fit.left_out if used else None,
        MODEL,
        CI_METHOD,
        DESIGN,
        reason,
    )
