"""Daily training load per athlete with fitness (CTL), fatigue (ATL), form (TSB) and EWMA ACWR.

A night does not recompute every athlete's history (`extend_daily_load`): the athletes whose data
changed are recomputed whole, and every other athlete's last day is carried on to the new data
date with rest days, the same recursions continued from the state that day holds.
"""

from __future__ import annotations

import duckdb
import numpy as np
import polars as pl

from pipelines.settings import Thresholds
from pipelines.transform.statistics.stats import acwr, ctl_atl_tsb, ewma_lambda
from pipelines.warehouse import transaction

TABLE = "int_daily_load"
DAY_LOAD = "athlete_id, local_date as date, sum(load order by load) as load"

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
    sessions = int_session_load.aggregate(DAY_LOAD, "athlete_id, local_date").pl()
    as_of = int_data_as_of.select("as_of_date").fetchall()[0][0]
    return _whole_days(sessions, as_of, thresholds)


def _whole_days(sessions: pl.DataFrame, as_of: object, thresholds: Thresholds) -> pl.DataFrame:
    """daily_load from the athletes' daily loads (DAY_LOAD) and the data date."""
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
    return _finish(days.with_columns(**_recursions(days, thresholds)), thresholds)


def _finish(days: pl.DataFrame, thresholds: Thresholds) -> pl.DataFrame:
    """The week, ACWR's hidden days as null and the spike flag; the table's columns."""
    return (
        days.with_columns(
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


def extend_daily_load(
    con: duckdb.DuckDBPyConnection, athletes: frozenset[str | None], thresholds: Thresholds
) -> frozenset[str | None]:
    """Bring `int_daily_load` up to the data date after a night that changed `athletes`' data;
    returns the athletes whose days were recomputed whole.

    Their days are recomputed whole, as are those of an athlete with fewer than acwr_seed_days days
    so far (the EWMAs' seed, the mean of the first days, is not settled yet: all their days may
    change, so what reads this table redoes them too). Every other athlete
    has no session after the last data date, so their days after it are rest days: each recursion
    continues from the state of their last day, with the same floating-point steps as the whole
    computation (an incremental night equals a full rebuild exactly). Days after a data date that
    moved back are dropped.
    """
    as_of = con.sql("select as_of_date from int_data_as_of").fetchall()[0][0]
    last = con.sql(
        f"select * from {TABLE} qualify row_number() over (partition by athlete_id order by date desc) = 1"  # noqa: S608
    ).pl()
    settled = last.filter(
        ~pl.col("athlete_id").is_in([a for a in athletes if a is not None])
        & (pl.col("days_of_history") >= thresholds.acwr_seed_days)
    )
    redo = sorted(set(athletes) - {None} | (set(last["athlete_id"]) - set(settled["athlete_id"])))
    sessions = con.sql(
        f"select {DAY_LOAD} from int_session_load where list_contains($redo, athlete_id) "  # noqa: S608
        "group by athlete_id, local_date",
        params={"redo": redo},
    ).pl()
    whole = _whole_days(sessions, as_of, thresholds)
    carried = _rest_days(settled.filter(pl.col("date") < pl.lit(as_of)), as_of, thresholds)
    with transaction(con):
        con.sql(
            f"delete from {TABLE} where list_contains($redo, athlete_id) or date > $as_of "  # noqa: S608
            "or $as_of is null",
            params={"redo": redo, "as_of": as_of},
        )
        for frame in (whole, carried):
            con.register("_new_days", frame)
            con.sql(f"insert into {TABLE} by name select * from _new_days")  # noqa: S608
            con.unregister("_new_days")
    return frozenset(redo)


def _rest_days(last: pl.DataFrame, as_of: object, thresholds: Thresholds) -> pl.DataFrame:
    """Each athlete's days after their row in `last` up to `as_of`, with no load."""
    if last.is_empty() or as_of is None:
        return pl.DataFrame(schema=DAILY_LOAD_SCHEMA)
    days = (
        last.with_columns(
            pl.date_ranges(pl.col("date") + pl.duration(days=1), pl.lit(as_of), "1d").alias("next")
        )
        .with_columns(pl.int_ranges(1, pl.col("next").list.len() + 1).alias("step"))
        .explode("next", "step")
        .drop_nulls("next")
    )
    if days.is_empty():
        return pl.DataFrame(schema=DAILY_LOAD_SCHEMA)
    step = days["step"].to_numpy()
    alphas = {
        "ctl": 1.0 / thresholds.ctl_days,
        "atl": 1.0 / thresholds.atl_days,
        "acute_load": ewma_lambda(thresholds.acwr_acute_days),
        "chronic_load": ewma_lambda(thresholds.acwr_chronic_days),
    }
    now = {name: days[name].to_numpy().copy() for name in alphas}
    before = {name: values.copy() for name, values in now.items()}
    for done in range(int(step.max())):
        going = step > done
        for name, alpha in alphas.items():
            before[name][going] = now[name][going]
            # scipy's lfilter step on a rest day, operation for operation: 0 * load - a1 * y
            now[name][going] = 0.0 - (alpha - 1.0) * now[name][going]
    history = days["days_of_history"].to_numpy() + step
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(now["chronic_load"] > 0, now["acute_load"] / now["chronic_load"], np.nan)
    ratio[history < thresholds.acwr_min_history_days] = np.nan
    return _finish(
        days.select("athlete_id", pl.col("next").alias("date")).with_columns(
            load=pl.lit(0.0),
            **{name: pl.Series(values) for name, values in now.items()},
            tsb=pl.Series(before["ctl"] - before["atl"]),
            days_of_history=pl.Series(history),
            acwr=pl.Series(ratio),
        ),
        thresholds,
    )
