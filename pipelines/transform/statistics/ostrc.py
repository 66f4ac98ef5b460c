"""OSTRC-O2 weekly prevalence of any and substantial problems, with CIs, and their mean over weeks."""

from __future__ import annotations

import duckdb
import polars as pl

from pipelines.settings import Thresholds
from pipelines.transform.statistics.stats import mean_prevalence_ci, prevalence_ci

WEEKLY_CI_METHOD = "Wilson score"
SUMMARY_CI_METHOD = "t-interval over weekly prevalences"

SUMMARY_SCHEMA: dict[str, pl.DataType] = {
    "measure": pl.String,
    "weeks": pl.Int64,
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
    mart_ostrc_weekly: duckdb.DuckDBPyRelation, thresholds: Thresholds
) -> pl.DataFrame:
    """Mean weekly prevalence of any and of substantial problems with a t-based 95% CI across weeks."""
    weekly = mart_ostrc_weekly.select("prevalence_any, prevalence_substantial").pl()
    rows = []
    for measure, column in (
        ("any_problem", "prevalence_any"),
        ("substantial_problem", "prevalence_substantial"),
    ):
        mean, low, high = mean_prevalence_ci(weekly[column].to_numpy())
        rows.append((measure, weekly.height, mean, low, high, SUMMARY_CI_METHOD))
    return pl.DataFrame(rows, schema=SUMMARY_SCHEMA, orient="row")
