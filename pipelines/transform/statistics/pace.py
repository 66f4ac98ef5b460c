"""Pace trends: Theil-Sen slope of each athlete's weekly median GAP over the recent weeks and since program start."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import numpy as np
import polars as pl

from pipelines.settings import Thresholds
from pipelines.transform.statistics.stats import theil_sen_trend

EPOCH_ORDINAL = date(1970, 1, 1).toordinal()  # polars dates are days since 1970-01-01
PACE_TRENDS_SCHEMA: dict[str, pl.DataType] = {
    "athlete_id": pl.String,
    "trend_window": pl.String,
    "window_start": pl.Date,
    "window_end": pl.Date,
    "n_weeks": pl.Int64,
    "slope_s_per_km_per_4wk": pl.Float64,
    "ci_low": pl.Float64,
    "ci_high": pl.Float64,
    "direction": pl.String,
}


def pace_trends(
    int_athlete_week_runs: duckdb.DuckDBPyRelation,
    int_data_as_of: duckdb.DuckDBPyRelation,
    athletes: duckdb.DuckDBPyRelation,
    stg_enrolments: duckdb.DuckDBPyRelation,
    thresholds: Thresholds,
) -> pl.DataFrame:
    """Every athlete's last_12_weeks trend, and enrolled athletes' since_program_start trend.

    Weekly points are the median GAP of the week's runs; weeks without runs are gaps, not zeros.
    Direction is improving or slower only when Sen's 95% CI excludes 0; fewer than trend_min_weeks
    points is insufficient_data.
    """
    as_of_week = int_data_as_of.select("as_of_week").fetchall()[0][0]
    if as_of_week is None:
        return pl.DataFrame(schema=PACE_TRENDS_SCHEMA)
    weekly = (
        int_athlete_week_runs.filter("median_gap_s_per_km is not null")
        .select("athlete_id, week_start, median_gap_s_per_km")
        .pl()
    )
    recent_start = as_of_week - timedelta(weeks=thresholds.trend_recent_weeks - 1)
    windows = [
        (athlete_id, "last_12_weeks", recent_start)
        for (athlete_id,) in athletes.select("athlete_id").order("athlete_id").fetchall()
    ] + [
        (athlete_id, "since_program_start", program_start)
        for athlete_id, program_start in stg_enrolments.aggregate(
            "athlete_id, min(start_week)", "athlete_id"
        )
        .order("athlete_id")
        .fetchall()
    ]
    # numpy arrays per athlete (week starts as day numbers): a polars filter per athlete and
    # window costs more than the trend itself in a club of thousands
    by_athlete = {
        key[0]: (
            part["week_start"].cast(pl.Int32).to_numpy(),
            part["median_gap_s_per_km"].to_numpy(),
        )
        for key, part in weekly.partition_by("athlete_id", as_dict=True).items()
    }
    empty = (np.empty(0, dtype=np.int32), np.empty(0))
    rows = [
        _trend_row(
            by_athlete.get(athlete_id, empty), athlete_id, window, start, as_of_week, thresholds
        )
        for athlete_id, window, start in windows
    ]
    return pl.DataFrame(rows, schema=PACE_TRENDS_SCHEMA, orient="row")


def _trend_row(
    weekly: tuple[np.ndarray, np.ndarray],
    athlete_id: str,
    window: str,
    start: date,
    end: date,
    thresholds: Thresholds,
) -> tuple:
    days, gap = weekly
    first, last = (d.toordinal() - EPOCH_ORDINAL for d in (start, end))
    inside = (days >= first) & (days <= last)
    trend = theil_sen_trend((days[inside] - first) / 7, gap[inside], thresholds.trend_min_weeks)
    return (
        athlete_id,
        window,
        start,
        end,
        trend.n_weeks,
        trend.slope,
        trend.ci_low,
        trend.ci_high,
        trend.direction,
    )
