"""Pace trends: Theil-Sen slope of each athlete's weekly median GAP over the recent weeks and since program start."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import numpy as np
import polars as pl

from pipelines.settings import Thresholds
from pipelines.transform.statistics.stats import theil_sen_trend
from pipelines.warehouse import transaction

EPOCH_ORDINAL = date(1970, 1, 1).toordinal()  # polars dates are days since 1970-01-01
TABLE = "mart_pace_trends"
RECENT, SINCE_PROGRAM = "last_12_weeks", "since_program_start"  # the two trend windows
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
    enrolled = stg_enrolments.aggregate("athlete_id, min(start_week)", "athlete_id")
    windows = _recent_windows(athletes, as_of_week, thresholds) + [
        (athlete_id, SINCE_PROGRAM, program_start)
        for athlete_id, program_start in enrolled.order("athlete_id").fetchall()
    ]
    return _trends(weekly, windows, as_of_week, thresholds)


def extend_pace_trends(
    con: duckdb.DuckDBPyConnection, changed: frozenset[str | None], thresholds: Thresholds
) -> frozenset[str | None]:
    """Bring `mart_pace_trends` up to the data date after a night that changed `changed`' data.

    Every athlete's last_12_weeks trend is computed again (its window moves with the data week)
    and the changed athletes' since_program_start trends. Another athlete's since_program_start
    trend reads the same weeks as before: their data did not change and ends before the old data
    date, so only its window end moves to the new data week. (A data date moved back rebuilds the
    table whole: the model is dated.)
    """
    as_of_week = con.sql("select as_of_week from int_data_as_of").fetchall()[0][0]
    ids = sorted(a for a in changed if a is not None)
    recent_start = _recent_start(as_of_week, thresholds) if as_of_week else None
    params = {"changed": ids, "recent_start": recent_start}
    weekly = con.sql(
        "select athlete_id, week_start, median_gap_s_per_km from int_athlete_week_runs "
        "where median_gap_s_per_km is not null "
        "and (week_start >= $recent_start or list_contains($changed, athlete_id))",
        params=params,
    ).pl()
    program = con.sql(
        "select athlete_id, min(start_week) from stg_enrolments "
        "where list_contains($changed, athlete_id) group by athlete_id order by athlete_id",
        params={"changed": ids},
    ).fetchall()
    windows = [(athlete_id, SINCE_PROGRAM, start) for athlete_id, start in program]
    if as_of_week is not None:
        windows = _recent_windows(con.table("athletes"), as_of_week, thresholds) + windows
    rows = _trends(weekly, windows, as_of_week, thresholds) if as_of_week else None
    with transaction(con):
        con.sql(
            f"delete from {TABLE} where trend_window <> $since or list_contains($changed, "  # noqa: S608
            "athlete_id) or $as_of_week is null",
            params={"since": SINCE_PROGRAM, "changed": ids, "as_of_week": as_of_week},
        )
        if rows is not None:
            con.sql(f"update {TABLE} set window_end = $end", params={"end": as_of_week})  # noqa: S608
            con.register("_trends", rows)
            con.sql(f"insert into {TABLE} by name select * from _trends")  # noqa: S608
            con.unregister("_trends")
    return changed


def _recent_start(as_of_week: date, thresholds: Thresholds) -> date:
    return as_of_week - timedelta(weeks=thresholds.trend_recent_weeks - 1)


def _recent_windows(
    athletes: duckdb.DuckDBPyRelation, as_of_week: date, thresholds: Thresholds
) -> list[tuple[str, str, date]]:
    """Every athlete's last_12_weeks window."""
    start = _recent_start(as_of_week, thresholds)
    return [
        (athlete_id, RECENT, start)
        for (athlete_id,) in athletes.select("athlete_id").order("athlete_id").fetchall()
    ]


def _trends(
    weekly: pl.DataFrame,
    windows: list[tuple[str, str, date]],
    as_of_week: date,
    thresholds: Thresholds,
) -> pl.DataFrame:
    """A trend row per (athlete, window, window start) from the athletes' weekly median GAP."""
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
