"""Which models a run rebuilds whole and which only for the athletes whose data changed.

A SQL model whose header has the line `-- incremental: athlete_id` is maintained per athlete: each of
its rows depends only on the same athlete's rows of what it reads. It may read only loaded tables,
staging views and other incremental models, never anything relative to the data date
(`int_data_as_of`) nor a club-wide model (`check_incremental` refuses the graph otherwise). On an
incremental run its rows of the affected athletes are deleted and its SELECT, restricted to them,
inserted; every other row stays. A Python model with an `extend` function (`int_daily_load`) is
brought up to date by it instead: its rows are not all per athlete (they run to the data date), so
it brings the changed athletes' rows and every other athlete's new days in itself, and says which
athletes it redid whole and which weeks of the others.

Affected athletes are found from the data, not from what the loaders say they did: per loaded table
those models read that has an `athlete_id` column, a fingerprint (`warehouse.fingerprint_sql`) per
athlete is compared with the one recorded after the last complete build. New, replaced and removed
rows all change it, whatever wrote them. The changed athletes are kept per table (`BuildPlan.changed`)
and followed through the graph: a model is rebuilt for the athletes whose rows changed in what it
reads (a night of GPS files redoes no strength, check-in or assessment model), and its own changed
athletes are those, or those its `extend` redid or its comparison found. Everything else decides
between incremental and full:
the models' code (SQL text, Python model modules, DuckDB's version) and every loaded table they
read without an `athlete_id` (club files: programs, exercises, areas...) plus `settings`. When that
fingerprint differs from the recorded one, when the warehouse has none (a fresh warehouse), when an
incremental model's table is missing, when the last build stopped before it completed
(`forget_build`), or when asked (`strongstride ingest --full-rebuild`), every model is rebuilt
whole.

A model whose header says `-- incremental: athlete_id, week_start` is dated: its rows also depend on
the data date (`int_data_as_of`, directly or through other dated models), but only for the weeks
from the data date's week on: a row of an earlier week depends on nothing but the same athlete's
rows (program weeks up to the data week, adherence, strength sessions and progress). Such a model
may read dated models and `int_data_as_of` besides what an incremental one may read; an incremental
one may not read a dated one. On an incremental run its rows of the changed athletes and every
athlete's rows from the last complete build's data week on are deleted and its SELECT, restricted to
them, inserted: a night costs the changed athletes plus a week or two of every athlete, not the
history. When the data date moved back (data removed) a dated model is rebuilt whole.

A model of either kind declared `-- week-local` (a row of a week depends only on the same athlete's
rows of that week in what it reads) is rebuilt, for the athletes that changed only in some weeks of
what it reads (`BuildPlan.weeks`, and the weeks an `extend` recomputed), for those weeks only; one
declared `-- week-local, and the week before` (a row also reads the week before) for those weeks
and the weeks after them.

A model rebuilt whole whose header says `-- compared: athlete_id` (the injury cases: an unresolved
injury's days run to the data date) may be read by incremental models: its rows are fingerprinted
per athlete before and after the rebuild, and the athletes whose rows changed join the changed ones
for every model after it (`rebuild_compared`).

On an incremental run a model nothing it reads changed in (loaded tables known unchanged, and
models kept) is kept as it is, not rebuilt: every model is a function of what it reads (the data
date is the data's, never today's; the bootstrap's seed is a setting), so it would come out the
same. A night of GPS files keeps the OSTRC, check-in and assessment chains and their club-wide
statistics. A loaded table compared neither per athlete nor as a club file (`ingest_errors`) counts
as changed.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import duckdb

from pipelines.transform.sql_files import ModelError
from pipelines.warehouse import (
    fingerprint_sql,
    ident,
    replace_rows,
    table_columns,
    table_exists,
    transaction,
)

if TYPE_CHECKING:
    from pipelines.transform.checks import SqlCheck
    from pipelines.transform.runner import Model

# the code and club fingerprints and the data date of the last complete build
STATE_TABLE = "model_build_state"
ATHLETE_STATE_TABLE = "model_build_athletes"  # its per athlete and loaded table fingerprints
WEEK_STATE_TABLE = "model_build_weeks"  # and per athlete and week, of the tables with a week
STATE_COLUMNS = {"code", "club", "as_of_date", "as_of_week"}
KEY = "athlete_id"
WEEK = "week_start"  # a dated model's rows from the last build's data week on are rebuilt
DATA_DATE = "int_data_as_of"  # the club's data date: as_of_date and its ISO week as_of_week
ACTIVITY_KEY = ("activities", "activity_id")  # where a row keyed by activity finds its athlete


@dataclass(frozen=True)
class BuildPlan:
    """What a run of the model graph rebuilds: all of it, or the incremental models per athlete."""

    full: bool
    reason: str
    # the changed athletes of each loaded table compared per athlete (none changed: empty; None:
    # the rows of no athlete, club files)
    changed: Mapping[str, frozenset[str | None]] = field(default_factory=dict, hash=False)
    fingerprint: tuple[str, str] = ("", "")  # of the models' code, and of settings and club files
    # the last complete build's data date and its week (None: no data then)
    as_of: tuple[date, date] | None = None
    # the loaded tables with a week, whose fingerprints are also kept per athlete and week
    week_tables: tuple[str, ...] = ()
    # of those, the weeks whose rows changed, of each changed athlete not listed whole: an athlete
    # of `changed[t]` with no week here changed whole (rows of no week, or no earlier state)
    weeks: Mapping[str, frozenset[tuple[str, date]]] = field(default_factory=dict, hash=False)
    # the loaded tables known not to have changed: the club files (their fingerprint matched) and
    # the tables compared per athlete with no changed athlete
    unchanged: frozenset[str] = frozenset()

    @property
    def athletes(self) -> frozenset[str | None]:
        """Every athlete whose rows changed in any loaded table."""
        return frozenset().union(*self.changed.values())

    def describe(self) -> str:
        if self.full:
            return f"full rebuild: {self.reason}"
        return f"incremental: {len(self.athletes)} athlete(s) changed ({self.reason})"


def check_incremental(models: Mapping[str, Model]) -> None:
    """Refuse an incremental model that reads a model rebuilt whole (club-wide or data-date
    relative) and not compared per athlete."""
    for name, model in models.items():
        if model.incremental is None:
            continue
        for table in model.depends_on:
            upstream = models.get(table)
            if upstream is None or upstream.layer == "staging":
                continue
            dated_input = table == DATA_DATE or upstream.dated
            if dated_input and not model.dated:
                raise ModelError(
                    f"model {name} is declared incremental but reads {table}, whose rows move "
                    f"with the data date: declare it `-- incremental: {KEY}, {WEEK}` (dated) if "
                    f"only its rows from the data week on depend on that date."
                )
            if not dated_input and upstream.incremental is None and not upstream.compared:
                raise ModelError(
                    f"model {name} is declared incremental but reads {table}, which is rebuilt "
                    "whole each run: make that model incremental too, compare it per athlete "
                    f"(`-- compared: {KEY}`), or drop the declaration."
                )


def _reads(models: Mapping[str, Model], names: list[str]) -> set[str]:
    """Loaded tables that the named models read, through staging views and incremental models."""
    seen: set[str] = set()
    todo = list(names)
    tables: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for table in models[name].depends_on:
            if table in models:
                todo.append(table)
            else:
                tables.add(table)
    return tables


def code_fingerprint(
    models: Mapping[str, Model], checks: Iterable[SqlCheck] = ()
) -> dict[str, str]:
    """Each model's code: its SQL, or its Python function's whole module; each check's SQL (a new
    or changed check looks at every row, not only the changed athletes'); and DuckDB's version."""
    code = {"duckdb": duckdb.__version__}
    for name, model in sorted(models.items()):
        code[name] = hashlib.sha256(model.code.encode()).hexdigest()
    for check in checks:
        code[f"check {check.name}"] = hashlib.sha256(check.sql.encode()).hexdigest()
    return code


def plan_build(
    con: duckdb.DuckDBPyConnection,
    models: Mapping[str, Model],
    checks: Iterable[SqlCheck] = (),
    full_rebuild: bool = False,
) -> BuildPlan:
    """Compare the warehouse with the last complete build; leaves the new athlete fingerprints in
    a temporary table for `record_build`."""
    incremental = [
        n for n, m in models.items() if m.incremental is not None or getattr(m, "extend", None)
    ]
    columns = table_columns(con)
    sources = sorted(t for t in _reads(models, incremental) if t in columns)
    athlete_tables = [t for t in sources if KEY in columns[t]]
    # a table keyed by activity (running dynamics) counts for the activity's athlete
    activity_tables = [
        t
        for t in sources
        if t not in athlete_tables and ACTIVITY_KEY[1] in columns[t] and ACTIVITY_KEY[0] in columns
    ]
    club_tables = sorted(set(sources) - set(athlete_tables) - set(activity_tables) | {"settings"})
    week_tables = tuple(t for t in athlete_tables if WEEK in columns[t]) + tuple(
        t for t in activity_tables if WEEK in columns[ACTIVITY_KEY[0]]
    )
    club = {
        t: str(con.sql(fingerprint_sql(con, t)).fetchall()[0]) for t in club_tables if t in columns
    }
    fingerprint = (_digest(code_fingerprint(models, checks)), _digest(club))
    _new_athlete_state(con, athlete_tables, activity_tables)
    full = functools.partial(BuildPlan, True, fingerprint=fingerprint, week_tables=week_tables)
    if full_rebuild:
        return full("asked for (--full-rebuild)")
    # a state table of another layout (an earlier version's) counts as none
    if set(columns.get(STATE_TABLE, ())) != STATE_COLUMNS:
        return full("no earlier build recorded")
    recorded = con.table(STATE_TABLE).pl().to_dicts()
    if not recorded:  # see `forget_build`
        return full("the last build stopped before it completed")
    if recorded[0]["code"] != fingerprint[0]:
        return full("a model's or a check's code changed")
    if recorded[0]["club"] != fingerprint[1]:
        return full("the settings or a club file changed")
    missing = [n for n in incremental if n not in columns]
    if missing:
        return full(f"table(s) {', '.join(missing)} missing")
    rows = con.sql(
        f"select distinct source, {KEY} from ("  # noqa: S608
        f"(select * from _new_athlete_state except select * from {ATHLETE_STATE_TABLE}) "
        f"union all (select * from {ATHLETE_STATE_TABLE} except select * from _new_athlete_state))"
    ).fetchall()
    changed = {
        t: frozenset(a for source, a in rows if source == t)
        for t in athlete_tables + activity_tables
    }
    as_of = recorded[0]["as_of_date"], recorded[0]["as_of_week"]
    return BuildPlan(
        False,
        f"reading {', '.join(athlete_tables + activity_tables)}",
        changed,
        fingerprint=fingerprint,
        as_of=None if as_of[0] is None else as_of,
        week_tables=week_tables,
        weeks=_changed_weeks(con, week_tables, activity_tables, changed),
        unchanged=frozenset(club_tables) | {t for t, athletes in changed.items() if not athletes},
    )


def _state_sql(
    con: duckdb.DuckDBPyConnection,
    tables: Iterable[str],
    activity_tables: Iterable[str],
    *,
    by_week: bool = False,
    only: Mapping[str, str] | None = None,
) -> str:
    """A SELECT of the fingerprints per athlete (`by_week`: per athlete and week) of these tables,
    the activity tables' rows counting for their activity's athlete (`only`: of the athletes in
    the bound list parameter named for each table)."""
    through = {t: ACTIVITY_KEY for t in activity_tables}
    week = WEEK if by_week else None
    parts = [
        f"select '{t}' as source, * from ("  # noqa: S608
        f"{fingerprint_sql(con, t, KEY, through.get(t), week=week, only=(only or {}).get(t))})"
        for t in tables
    ]
    empty = (
        "select ''::varchar as source, ''::varchar as athlete_id, "
        f"{'null::date as week_start, ' if by_week else ''}"
        "0::bigint as rows, 0::hugeint as fingerprint where false"
    )
    return " union all ".join([*parts, empty])


def _changed_weeks(
    con: duckdb.DuckDBPyConnection,
    tables: tuple[str, ...],
    activity_tables: list[str],
    changed: Mapping[str, frozenset[str | None]],
) -> dict[str, frozenset[tuple[str, date]]]:
    """The weeks whose rows changed, per week table, of its changed athletes: their fingerprints
    per week now against those recorded by the last complete build. Leaves them in a temporary
    table for `record_build`. An athlete with a changed row of no week is left out (changed
    whole), as is every athlete when no week state was recorded."""
    tables = tuple(t for t in tables if changed[t] - {None})
    params = {f"a{i}": sorted(changed[t] - {None}) for i, t in enumerate(tables)}
    only = {t: f"a{i}" for i, t in enumerate(tables)}
    con.sql(
        "create or replace temp table _new_week_state as "
        + _state_sql(con, tables, activity_tables, by_week=True, only=only),
        params=params or None,
    )
    if not tables or not table_exists(con, WEEK_STATE_TABLE):
        return {}
    recorded = " union all ".join(
        f"select * from {WEEK_STATE_TABLE} where source = '{t}' and list_contains(${p}, {KEY})"  # noqa: S608
        for t, p in only.items()
    )
    rows = con.sql(
        f"select distinct source, {KEY}, {WEEK} from ("  # noqa: S608
        f"(select * from _new_week_state except ({recorded})) "
        f"union all (({recorded}) except select * from _new_week_state))",
        params=params,
    ).fetchall()
    whole = {(source, a) for source, a, week in rows if week is None}
    return {
        t: frozenset((a, w) for s, a, w in rows if s == t and (s, a) not in whole) for t in tables
    }


def data_date(con: duckdb.DuckDBPyConnection) -> tuple[date, date] | None:
    """The data date and its week as `int_data_as_of` holds them now (None: no data, no model)."""
    if not table_exists(con, DATA_DATE):
        return None
    rows = con.sql(f"select as_of_date, as_of_week from {DATA_DATE}").fetchall()  # noqa: S608
    return rows[0] if rows and rows[0][0] is not None else None


def dated_since(con: duckdb.DuckDBPyConnection, plan: BuildPlan) -> date | None:
    """The week from which every athlete's rows of a dated model are rebuilt on this incremental
    run: the last complete build's data week, or None (rebuild whole) when there was no data date
    then or it moved back since (data removed)."""
    now = data_date(con)
    if plan.as_of is None or now is None or now[0] < plan.as_of[0]:
        return None
    return plan.as_of[1]


def _digest(parts: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _new_athlete_state(
    con: duckdb.DuckDBPyConnection, tables: list[str], activity_tables: list[str]
) -> None:
    con.sql(
        "create or replace temp table _new_athlete_state as "
        + _state_sql(con, tables + activity_tables, activity_tables)
    )


def forget_build(con: duckdb.DuckDBPyConnection) -> None:
    """Before a build changes any table: the recorded build no longer describes them. One that
    completes records itself again; one that stops half way (a blocking check failed, a subset of
    the models was asked for, the process died) leaves the next a full rebuild. Without this, data
    changed back to what the recorded build saw would compare as unchanged and keep the rows the
    unfinished build made from the data in between."""
    if table_exists(con, STATE_TABLE):
        con.sql(f"delete from {STATE_TABLE}")  # noqa: S608


def record_build(con: duckdb.DuckDBPyConnection, plan: BuildPlan) -> None:
    """After a complete build: the fingerprints the next run compares with."""
    as_of = data_date(con) or (None, None)
    activity_tables = [t for t in plan.week_tables if KEY not in con.table(t).columns]
    with transaction(con):
        state = (
            f"create or replace table {STATE_TABLE} as "
            "select ? as code, ? as club, ?::date as as_of_date, ?::date as as_of_week"
        )
        con.sql(state, params=[*plan.fingerprint, *as_of])
        con.sql(f"create or replace table {ATHLETE_STATE_TABLE} as from _new_athlete_state")
        if plan.full or not table_exists(con, WEEK_STATE_TABLE):
            weeks = _state_sql(con, plan.week_tables, activity_tables, by_week=True)
            con.sql(f"create or replace table {WEEK_STATE_TABLE} as {weeks}")
        else:
            for table in plan.week_tables:
                con.sql(
                    f"delete from {WEEK_STATE_TABLE} "  # noqa: S608
                    f"where source = ? and list_contains(?, {KEY})",
                    params=[table, sorted(plan.changed[table] - {None})],
                )
            con.sql(f"insert into {WEEK_STATE_TABLE} from _new_week_state")


def rebuild_for_athletes(
    con: duckdb.DuckDBPyConnection,
    name: str,
    sql: str,
    athletes: frozenset[str | None],
    since: date | None = None,
    weeks: frozenset[tuple[str, date]] = frozenset(),
) -> None:
    """Replace the affected athletes' rows of table `name` with its SELECT's rows for them, and,
    with `since` (a dated model), every athlete's rows of the weeks from `since` on, and with
    `weeks` (a week-local model), the rows of those athletes' weeks; only the rows that differ
    are written (`warehouse.replace_rows`).

    Rows without an athlete (a club file's row in the file registry) count as one more athlete:
    an affected None rebuilds them. The athletes are a constant list, not a join with a table of
    them: DuckDB pushes a constant filter through the model's aggregates and
    windows down to its table scans (a semi join it applies only to the finished result: at
    2,000 athletes `mart_athlete_runs` took 0.27 s for five athletes that way, 0.09 s this way).
    """
    if not athletes and since is None and not weeks:
        return  # none of what it reads changed
    affected, params = affected_sql("t", athletes, since, weeks)
    with transaction(con):
        con.sql(
            f"create or replace temp table _rebuilt as select * from ({sql}\n) t where {affected}",  # noqa: S608
            params=params,
        )
        replace_rows(con, name, "_rebuilt", affected, params, con.table(ident(name)).columns)
        con.sql("drop table _rebuilt")


def affected_sql(
    alias: str,
    athletes: frozenset[str | None],
    since: date | None = None,
    weeks: frozenset[tuple[str, date]] = frozenset(),
) -> tuple[str, dict[str, object]]:
    """A condition on the rows (as `alias`) of `athletes` (None: rows of no athlete), with `since`
    of the weeks from `since` on, and of the `weeks` (athlete and week) given; and its parameters.

    Only the parts that select something are written: an empty list's parameter has no element
    type, and comparing every row's athlete with it cost 0.3 s at 2,000 athletes, where the rest
    of the condition took 0.05 s."""
    named = sorted(a for a in athletes if a is not None)
    if since is not None:  # a week from `since` on is in the condition already
        weeks = frozenset(p for p in weeks if p[1] < since)
    parts = {
        f"list_contains($athletes, {alias}.{KEY})": {"athletes": named} if named else None,
        f"{alias}.{KEY} is null": {} if None in athletes else None,
        f"{alias}.{WEEK} >= $since": {"since": since} if since else None,
        # the athletes and the first week first: a list of strings is tested much faster than
        # one of pairs (with the week bound too, mart_athlete_weekly's rows of 100 athletes' two
        # weeks and of the weeks from `since` on took 0.11 s at 2,000 athletes, without 0.5 s)
        f"(list_contains($week_athletes, {alias}.{KEY}) and {alias}.{WEEK} >= $weeks_from and "
        f"list_contains($weeks, {{'{KEY}': {alias}.{KEY}, '{WEEK}': {alias}.{WEEK}}}))": (
            {
                "week_athletes": sorted({a for a, _ in weeks}),
                "weeks_from": min(w for _, w in weeks),
                "weeks": [{KEY: a, WEEK: w} for a, w in sorted(weeks)],
            }
            if weeks
            else None
        ),
    }
    chosen = {condition: given for condition, given in parts.items() if given is not None}
    params = {name: value for given in chosen.values() for name, value in given.items()}
    return f"({' or '.join(chosen) or 'false'})", params


def rebuild_compared(
    con: duckdb.DuckDBPyConnection, name: str, rebuild: Callable[[], None]
) -> frozenset[str | None]:
    """Rebuild table `name` whole with `rebuild` and return the athletes whose rows changed (their
    count or sum of row hashes; None: the rows of no athlete), for the incremental models reading it.

    For a small table whose rows move with the data date for a few athletes only (an unresolved
    injury's days run to it): comparing costs two reads of it, not a whole rebuild downstream.
    """
    existed = table_exists(con, name)
    if existed:
        con.sql(f"create or replace temp table _compared as {fingerprint_sql(con, name, KEY)}")
    rebuild()
    now = fingerprint_sql(con, name, KEY)
    changed = (
        f"select {KEY} from ((({now}) except (from _compared)) "  # noqa: S608
        f"union all ((from _compared) except ({now})))"
        if existed
        else f"select {KEY} from ({now})"  # noqa: S608
    )
    athletes = frozenset(row[0] for row in con.sql(changed).fetchall())
    con.sql("drop table if exists _compared")
    return athletes
