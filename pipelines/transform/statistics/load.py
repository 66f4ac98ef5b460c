"""Daily training load per athlete with fitness (CTL), fatigue (ATL), form (TSB) and EWMA ACWR."""

from __future__ import annotations

import duckdb
import numpy as np
import polars as pl

from pipelines.settings import Thresholds
from pipelines.transform.statistics.stats import acwr, ctl_atl_tsb

DAILY_LOAD_SCHEMA: dict[str, pl.DataType] = {
    "athlete_id": pl.String,
    "date": pl.Date,
    "week_start": pl.Date,
    "load": pl.Float64,
    "ctl": pl.Float64,
    "atl": pl.Float64,
    "tsb": pl.Float64,
    "acute_load": pl.Float64,
    "chronic_load": pl.Float64,
    "days_of_history": pl.Int64,
    "acwr": pl.Float64,
    "load_spike": pl.Boolean,
}


def daily_load(
    int_session_load: duckdb.DuckDBPyRelation,
    int_data_as_of: duckdb.DuckDBPyRelation,
    thresholds: Thresholds,
) -> pl.DataFrame:
    """One row per athlete and day from their first session to the latest data date, rest days as 0.

    CTL and ATL start from zero at the first session; the acute and chronic EWMAs start from the mean
    daily load of the first acwr_seed_days days. ACWR (and load_spike) stay null until the athlete has
    acwr_min_history_days days of history.
    """
    sessions = int_session_load.aggregate(
        "athlete_id, local_date as date, sum(load order by load) as load", "athlete_id, local_date"
    ).pl()
    as_of = int_data_as_of.select("as_of_date").fetchall()[0][0]
    if sessions.is_empty() or as_of is None:
        return pl.DataFrame(schema=DAILY_LOAD_SCHEMA)
    days = (
        sessions.group_by("athlete_id")
        .agg(pl.col("date").min().alias("first_date"))
        .with_columns(pl.date_ranges("first_date", pl.lit(as_of), "1d").alias("date"))
        .explode("date")
        .join(sessions, on=["athlete_id", "date"], how="left")
        .with_columns(pl.col("load").fill_null(0.0))
        .sort("athlete_id", "date")
    )
    return (
        days.with_columns(**_recursions(days, thresholds))
        .with_columns(
            pl.col("date").dt.truncate("1w").alias("week_start"),
            pl.col("acwr").fill_nan(None),
        )
        .with_columns((pl.col("acwr") > thresholds.acwr_spike).alias("load_spike"))
        .select(list(DAILY_LOAD_SCHEMA))
        .cast(DAILY_LOAD_SCHEMA)
    )


def _recursions(days: pl.DataFrame, thresholds: Thresholds) -> dict[str, pl.Series]:
    """CTL, ATL, TSB, the EWMA loads and ACWR of each athlete's days (sorted by athlete and date).

    Each athlete's recursions start afresh (see daily_load for their start values); numpy slices of one array per column, rather than a
    frame per athlete, keep this cheap for thousands of athletes.
    """
    loads = days["load"].to_numpy()
    names = ("ctl", "atl", "tsb", "acute_load", "chronic_load", "acwr")
    out = {name: np.empty(len(loads)) for name in names}
    history = np.empty(len(loads), dtype=np.int64)
    ends = days.group_by("athlete_id", maintain_order=True).len()["len"].cum_sum().to_list()
    start = 0
    for end in ends:
        part = loads[start:end]
        fitness = ctl_atl_tsb(part, thresholds.ctl_days, thresholds.atl_days)
        out["ctl"][start:end] = fitness.ctl
        out["atl"][start:end] = fitness.atl
        out["tsb"][start:end] = fitness.tsb
        ratio = acwr(
            part,
            thresholds.acwr_acute_days,
            thresholds.acwr_chronic_days,
            thresholds.acwr_min_history_days,
            thresholds.acwr_seed_days,
        )
        out["acute_load"][start:end] = ratio.acute
        out["chronic_load"][start:end] = ratio.chronic
        out["acwr"][start:end] = ratio.ratio
        history[start:end] = np.arange(1, end - start + 1)
        start = end
    return {name: pl.Series(name, values) for name, values in out.items()} | {
        "days_of_history": pl.Series("days_of_history", history)
    }
