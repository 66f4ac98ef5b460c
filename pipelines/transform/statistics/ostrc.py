"""OSTRC-O2 weekly prevalence of any and substantial problems, with CIs, and their mean over weeks."""

from __future__ import annotations

import duckdb
import numpy as np
import polars as pl

from pipelines.settings import Thresholds
from pipelines.transform.statistics.stats import (
    cluster_bootstrap,
    cluster_ci_method,
    percentile_ci,
    prevalence_ci,
    ratio_of_sums,
)

WEEKLY_CI_METHOD = "Wilson score"

SUMMARY_SCHEMA: dict[str, pl.DataType] = {
    "measure": pl.String,
    "weeks": pl.Int64,
    "athletes": pl.Int64,
    "athlete_weeks": pl.Int64,
    "mean_weekly_prevalence": pl.Float64,
    "ci_low": pl.Float64,
    "ci_high": pl.Float64,
    "ci_method": pl.String,
}


PREVALENCE_COLUMNS = (
    "prevalence_any",
    "any_ci_low",
    "any_ci_high",
    "prevalence_substantial",
    "substantial_ci_low",
    "substantial_ci_high",
    "ci_method",
)


def with_prevalences(counts: pl.DataFrame) -> pl.DataFrame:
    """Counts of respondents and of athletes with a (substantial) problem, plus the prevalences
    with Wilson 95% CIs (PREVALENCE_COLUMNS)."""
    columns = {}
    for measure, name in (("any_problem", "any"), ("substantial_problem", "substantial")):
        low, high = prevalence_ci(counts[measure].to_numpy(), counts["respondents"].to_numpy())
        columns[f"prevalence_{name}"] = counts[measure].cast(pl.Float64) / counts["respondents"]
        columns[f"{name}_ci_low"] = pl.Series(low, dtype=pl.Float64)
        columns[f"{name}_ci_high"] = pl.Series(high, dtype=pl.Float64)
    return counts.with_columns(**columns, ci_method=pl.lit(WEEKLY_CI_METHOD, dtype=pl.String))


def ostrc_weekly(
    int_ostrc_weekly_counts: duckdb.DuckDBPyRelation, thresholds: Thresholds
) -> pl.DataFrame:
    """Per week asked about: respondents, athletes with a (substantial) problem, prevalences with Wilson 95% CIs,
    and the questionnaire versions the answers were scored by."""
    counts = (
        int_ostrc_weekly_counts.select(
            "week_start, respondents, any_problem, substantial_problem, instrument_versions"
        )
        .order("week_start")
        .pl()
    )
    return with_prevalences(counts).select(
        "week_start",
        pl.col("respondents", "any_problem", "substantial_problem").cast(pl.Int64),
        "prevalence_any",
        "any_ci_low",
        "any_ci_high",
        "prevalence_substantial",
        "substantial_ci_low",
        "substantial_ci_high",
        "ci_method",
        "instrument_versions",
    )


def ostrc_area_weekly(
    int_ostrc_area_weekly_counts: duckdb.DuckDBPyRelation, thresholds: Thresholds
) -> pl.DataFrame:
    """Per week asked about and body area: the athletes who answered about the area, those with a
    (substantial) problem in it, and the prevalences with Wilson 95% CIs."""
    counts = (
        int_ostrc_area_weekly_counts.select(
            "week_start, area, area_label, respondents, any_problem, substantial_problem"
        )
        .order("week_start, area")
        .pl()
    )
    return with_prevalences(counts).select(
        "week_start",
        "area",
        "area_label",
        pl.col("respondents", "any_problem", "substantial_problem").cast(pl.Int64),
        "prevalence_any",
        "any_ci_low",
        "any_ci_high",
        "prevalence_substantial",
        "substantial_ci_low",
        "substantial_ci_high",
        "ci_method",
    )


def ostrc_summary(
    int_ostrc_athlete_weeks: duckdb.DuckDBPyRelation, thresholds: Thresholds
) -> pl.DataFrame:
    """Mean weekly prevalence of any and of substantial problems with an athlete-cluster bootstrap 95% CI.

    The same athletes answer week after week, so weeks are not independent: each replicate draws
    athletes with replacement, keeps all their answered weeks, and recomputes every week's
    prevalence and their mean (weeks no drawn athlete answered are left out). Percentile interval
    of bootstrap_replicates replicates (seed bootstrap_seed); none with fewer than 2 athletes.
    """
    answers = int_ostrc_athlete_weeks.select(
        "athlete_id, week_start, problem, substantial_problem"
    ).pl()
    athlete, week = (
        answers[column].rank("dense").cast(pl.Int64).to_numpy() - 1
        for column in ("athlete_id", "week_start")
    )
    shape = (int(athlete.max()) + 1, int(week.max()) + 1) if answers.height else (0, 0)
    answered = np.zeros(shape)
    answered[athlete, week] = 1.0
    rows = []
    for measure in ("problem", "substantial_problem"):
        with_problem = np.zeros(shape)
        with_problem[athlete, week] = answers[measure].cast(pl.Float64).to_numpy()
        rows.append(
            (
                "any_problem" if measure == "problem" else measure,
                shape[1],
                shape[0],
                answers.height,
                *_mean_prevalence_ci(with_problem, answered, thresholds),
                cluster_ci_method(thresholds),
            )
        )
    return pl.DataFrame(rows, schema=SUMMARY_SCHEMA, orient="row")


def _mean_prevalence_ci(
    with_problem: np.ndarray, answered: np.ndarray, thresholds: Thresholds
) -> tuple[float | None, float | None, float | None]:
    """Mean over weeks of (athletes with a problem / respondents), with its cluster-bootstrap CI;
    both matrices are athletes x weeks."""

    def mean_weekly(weights: np.ndarray) -> np.ndarray:
        weekly = ratio_of_sums(weights @ with_problem, weights @ answered)
        return np.nanmean(weekly, axis=1)

    athletes = answered.shape[0]
    if athletes == 0:
        return None, None, None
    estimate = float(mean_weekly(np.ones((1, athletes)))[0])
    if athletes < 2:
        return estimate, None, None
    replicates = cluster_bootstrap(
        mean_weekly, athletes, thresholds.bootstrap_replicates, thresholds.bootstrap_seed
    )
    return estimate, *percentile_ci(replicates)
