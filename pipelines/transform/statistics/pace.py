"""Pace trends: Theil-Sen slope of each athlete's weekly median GAP over the recent weeks and since program start."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import numpy as np
import polars as pl

from pipelines.settings import Thresholds
from pipelines.transform.statistics.stats import PaceTrend, theil_sen_trends
from pipelines.warehouse import transaction

EPOCH_ORDINAL = date(1970, 1, 1).toordinal()  # polars dates are days since 1970-01-01
TABLE = "mart_pace_trends"
# pairs of weeks computed at once (8 bytes each, a few copies): windows of similar length together
TREND_CELLS = 1 << 20
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
) -> tuple[frozenset[str | None], frozenset[tuple[str, date]]]:
    """Bring `mart_pace_trends` up to the data date after a night that changed `changed`' data;
    the changed athletes' rows are recomputed whole (`PythonModel.extend`).

    Every athlete's last_12_weeks trend is computed again (its window moves with the data week)
    and the changed athletes' since_program_start trends. Another athlete's since_program_start
    trend reads the same weeks as before: their data did not change and ends before the old data
    date, so only its window end moves to the new data week. (A data date moved back, or gone,
    rebuilds the table whole: the model is dated.)
    """
    as_of_week = con.sql("select as_of_week from int_data_as_of").fetchall()[0][0]
    ids = sorted(a for a in changed if a is not None)
    weekly = con.sql(
        "select athlete_id, week_start, median_gap_s_per_km from int_athlete_week_runs "
        "where median_gap_s_per_km is not null "
        "and (week_start >= $recent_start or list_contains($changed, athlete_id))",
        params={"changed": ids, "recent_start": _recent_start(as_of_week, thresholds)},
    ).pl()
    program = con.sql(
        "select athlete_id, min(start_week) from stg_enrolments "
        "where list_contains($changed, athlete_id) group by athlete_id order by athlete_id",
        params={"changed": ids},
    ).fetchall()
    windows = _recent_windows(con.table("athletes"), as_of_week, thresholds) + [
        (athlete_id, SINCE_PROGRAM, start) for athlete_id, start in program
    ]
    rows = _trends(weekly, windows, as_of_week, thresholds)
    with transaction(con):
        con.sql(
            f"delete from {TABLE} where trend_window <> $since "  # noqa: S608
            "or list_contains($changed, athlete_id)",
            params={"since": SINCE_PROGRAM, "changed": ids},
        )
        con.sql(f"update {TABLE} set window_end = $end", params={"end": as_of_week})  # noqa: S608
        con.register("_trends", rows)
        con.sql(f"insert into {TABLE} by name select * from _trends")  # noqa: S608
        con.unregister("_trends")
    return changed, frozenset()


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
    # numpy views per athlete (week starts as day numbers) of one sorted frame: a polars frame
    # per athlete costs more than the trends themselves in a club of thousands
    weekly = weekly.sort("athlete_id", "week_start").with_row_index("row")
    all_days = weekly["week_start"].cast(pl.Int32).to_numpy()
    all_gaps = weekly["median_gap_s_per_km"].to_numpy()
    spans = weekly.group_by("athlete_id").agg(pl.col("row").min().alias("first"), pl.len())
    by_athlete = {
        athlete_id: (all_days[first : first + n], all_gaps[first : first + n])
        for athlete_id, first, n in spans.iter_rows()
    }
    empty = (np.empty(0, dtype=np.int32), np.empty(0))
    last = as_of_week.toordinal() - EPOCH_ORDINAL
    points = []
    for athlete_id, _, start in windows:
        days, gaps = by_athlete.get(athlete_id, empty)
        first = start.toordinal() - EPOCH_ORDINAL
        inside = (days >= first) & (days <= last)
        points.append(((days[inside] - first) / 7, gaps[inside]))
    trends: dict[int, PaceTrend] = {}
    for chunk in _similar_lengths(points):
        width = max(1, *(len(points[i][0]) for i in chunk))
        x, y = np.full((len(chunk), width), np.nan), np.full((len(chunk), width), np.nan)
        for row, i in enumerate(chunk):
            x[row, : len(points[i][0])], y[row, : len(points[i][1])] = points[i]
        trends |= zip(chunk, theil_sen_trends(x, y, thresholds.trend_min_weeks), strict=True)
    rows = [
        (
            athlete_id,
            window,
            start,
            as_of_week,
            t.n_weeks,
            t.slope,
            t.ci_low,
            t.ci_high,
            t.direction,
        )
        for (athlete_id, window, start), t in zip(
            windows, [trends[i] for i in range(len(windows))], strict=True
        )
    ]
    return pl.DataFrame(rows, schema=PACE_TRENDS_SCHEMA, orient="row")


def _similar_lengths(points: list[tuple[np.ndarray, np.ndarray]]) -> list[list[int]]:
    """The windows' indexes in chunks of similar length, each padded to at most TREND_CELLS pairs."""
    chunks: list[list[int]] = []
    for i in sorted(range(len(points)), key=lambda i: len(points[i][0])):
        size = len(points[i][0]) ** 2
        if not chunks or (len(chunks[-1]) + 1) * size > TREND_CELLS:
            chunks.append([])
        chunks[-1].append(i)
    return chunks
