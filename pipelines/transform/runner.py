"""The model graph: SQL files under sql/ and Python statistics models, built with their checks.

Each `sql/<layer>/<name>.sql` holds one SELECT whose result becomes table `<name>`; its first line
reads `-- <name>: what it is.` and any further leading comment lines are notes. What a model reads
is derived from its SQL (sqlglot), and what a Python model reads from its parameters, so a
declaration cannot disagree with the code. `ModelGraph.run` is the one way the graph is built: the
Dagster step and the model tests both call it.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import duckdb
import polars as pl

from pipelines.settings import SQL_ROOT, Thresholds
from pipelines.transform.checks import SqlCheck, discover_checks, offending_rows, record_results
from pipelines.transform.incremental import (
    KEY,
    WEEK,
    BuildPlan,
    check_incremental,
    dated_since,
    forget_build,
    plan_build,
    rebuild_compared,
    rebuild_for_athletes,
    record_build,
)
from pipelines.transform.journal import Region, record_regions, start_build
from pipelines.transform.sql_files import ModelError, read_title, sql_inputs
from pipelines.warehouse import ident, replace_table, table_columns, table_exists

LAYERS = {"staging": "stg_", "intermediate": "int_", "marts": "mart_"}
_INCREMENTAL = re.compile(r"^--\s*incremental:\s*(\S+?)\s*(?:,\s*(\S+)\s*)?$", re.MULTILINE)
_COMPARED = re.compile(r"^--\s*compared:\s*(\S+)\s*$", re.MULTILINE)
_WEEK_LOCAL = re.compile(r"^--\s*week-local(,\s*and the week before)?\s*$", re.MULTILINE)
# Models built at a time, each by a thread on its own cursor of the warehouse connection. Most of a
# night's models are a few small statements bound by one core each, and DuckDB runs statements of
# different connections at once (the Python statistics models' numpy and polars also release the
# interpreter): two at a time on the benchmark machine's 2 cores. See benchmarks/RESULTS.md.
MODEL_THREADS = 2


@dataclass(frozen=True)
class SqlModel:
    """One SQL file: the table it builds, its layer, what it reads and what it is."""

    name: str
    layer: str
    path: Path
    sql: str
    depends_on: list[str]
    description: str
    notes: str = ""
    incremental: str | None = None  # the key it is maintained by (`-- incremental: athlete_id`)
    # its rows from the data week on move with the data date (`-- incremental: athlete_id, week_start`)
    dated: bool = False
    # rebuilt whole, but its rows compared per athlete before and after (`-- compared: athlete_id`):
    # the athletes whose rows changed are rebuilt by the incremental models reading it
    compared: bool = False
    # incremental (dated or not), and a row of a week depends only on the same athlete's rows of
    # that week in what it reads (`-- week-local`): rebuilt for the changed athletes' changed weeks
    # only (and, dated, every athlete's weeks from the data week on)
    week_local: bool = False
    # week-local, but a row of a week also reads the week before (`-- week-local, and the week
    # before`): a changed week rebuilds it and the week after
    reads_week_before: bool = False

    @property
    def code(self) -> str:
        """What a change of rebuilds the table whole: its SQL."""
        return self.sql


@dataclass(frozen=True)
class PythonModel:
    """A table computed in Python (statistics SQL does badly) from tables already built.

    `fn` takes one DuckDB relation per table it reads, named after the table, and the thresholds
    as `thresholds`; those parameter names are its inputs.
    """

    name: str
    fn: Callable[..., pl.DataFrame]
    description: str
    # on an incremental run, brings the table up to date in place from the changed athletes (and
    # the thresholds) instead of rebuilding it whole; it reads what `fn` reads, and returns the
    # athletes whose rows it recomputed whole (changed ones, and any it had to redo) and the weeks
    # (athlete and week) it recomputed of the others
    extend: (
        Callable[
            [duckdb.DuckDBPyConnection, frozenset[str | None], Thresholds],
            tuple[frozenset[str | None], frozenset[tuple[str, date]]],
        ]
        | None
    ) = None
    # with `extend`: rows before the last data week change only for the athletes `extend` returns,
    # so dated SQL models may read it (as for `-- incremental: athlete_id, week_start`)
    dated: bool = False
    incremental = None  # not an athlete-keyed model: incremental SQL models may not read it
    compared = False
    week_local = False
    reads_week_before = False

    @property
    def layer(self) -> str:
        return next(layer for layer, prefix in LAYERS.items() if self.name.startswith(prefix))

    @property
    def depends_on(self) -> list[str]:
        return [p for p in inspect.signature(self.fn).parameters if p != "thresholds"]

    @property
    def code(self) -> str:
        """What a change of rebuilds the table whole: every module of the function's package (its
        own and the shared helpers it imports, such as the statistics' `stats.py`)."""
        folder = Path(inspect.getfile(self.fn)).parent
        return "".join(path.read_text() for path in sorted(folder.glob("*.py")))


Model = SqlModel | PythonModel


def _athletes_of(weeks: Iterable[tuple[str, date]] | None) -> frozenset[str]:
    return frozenset(athlete for athlete, _ in weeks or ())


def extendable(model: Model) -> bool:
    """A Python model brought up to date in place on an incremental run (`PythonModel.extend`)."""
    return isinstance(model, PythonModel) and model.extend is not None


def discover_models(sql_root: Path) -> list[SqlModel]:
    """Every model file under sql_root/{staging,intermediate,marts}."""
    models = []
    for layer, prefix in LAYERS.items():
        for path in sorted((sql_root / layer).glob("*.sql")):
            model = read_model(path, layer)
            if not model.name.startswith(prefix):
                raise ModelError(
                    f"{path}: models in sql/{layer}/ are named {prefix}*; rename the file."
                )
            models.append(model)
    return models


def read_model(path: Path, layer: str) -> SqlModel:
    """One model file: its title line, and its inputs derived from the SQL."""
    text, description, notes = read_title(path)
    sql = text.strip().rstrip(";")
    incremental = _INCREMENTAL.search(text)
    compared = _COMPARED.search(text)
    week_local_line = _WEEK_LOCAL.search(text)
    week_local = bool(week_local_line)
    if week_local and not incremental:
        raise ModelError(
            f"{path}: a week-local model is incremental by {KEY} (`-- incremental: {KEY}` or "
            f"`-- incremental: {KEY}, {WEEK}` above `-- week-local`)."
        )
    if compared and (compared.group(1) != KEY or incremental):
        raise ModelError(
            f"{path}: a model rebuilt whole is compared only by {KEY} (`-- compared: {KEY}`), "
            "and an incremental model needs no comparing."
        )
    if incremental and (incremental.group(1) != KEY or incremental.group(2) not in (None, WEEK)):
        raise ModelError(
            f"{path}: models are maintained incrementally only by {KEY}, and dated ones also by "
            f"{WEEK} (`-- incremental: {KEY}` or `-- incremental: {KEY}, {WEEK}`), not by "
            f"{', '.join(g for g in incremental.groups() if g)}."
        )
    return SqlModel(
        name=path.stem,
        layer=layer,
        path=path,
        sql=sql,
        depends_on=sql_inputs(sql, path),
        description=description,
        notes=notes,
        incremental=incremental.group(1) if incremental else None,
        dated=bool(incremental and incremental.group(2)),
        compared=bool(compared),
        week_local=week_local,
        reads_week_before=bool(week_local_line and week_local_line.group(1)),
    )


@dataclass(frozen=True)
class BuildPlanned:
    """How this run builds the models: whole, or the incremental ones for the changed athletes."""

    plan: BuildPlan


@dataclass(frozen=True)
class ModelBuilt:
    """A model rebuilt (whole, or for the changed athletes only): its row count and its time."""

    model: Model
    rows: int
    seconds: float
    incremental: bool = False
    athletes: int | None = None  # built incrementally: for how many athletes' rows
    kept: bool = False  # nothing it reads changed since the last complete build: left as it was

    @property
    def how(self) -> str:
        """How it was built, in words."""
        if self.kept:
            return "kept: nothing it reads changed"
        return "changed athletes" if self.incremental else "whole"


@dataclass(frozen=True)
class ModelSkipped:
    """A model not rebuilt because a blocking check failed on a table it reads, directly or not."""

    model: Model
    failed_checks: tuple[str, ...]


@dataclass(frozen=True)
class CheckDone:
    """A check evaluated: whether it passed, how many rows offend, and how long it took; `kept`:
    not run, its table being as the last complete build saw it, when every check passed."""

    check: SqlCheck
    passed: bool
    offending_rows: int
    seconds: float
    kept: bool = False

    @property
    def blocks(self) -> bool:
        """A failed ERROR check: what reads its table is not rebuilt, and nothing is published."""
        return not self.passed and self.check.severity == "ERROR"


GraphEvent = BuildPlanned | ModelBuilt | ModelSkipped | CheckDone


@dataclass(frozen=True)
class _Step:
    """How one model is brought up to date, decided once every model it reads is done."""

    model: Model
    athletes: frozenset[str | None]  # whose rows changed in what it reads
    whole: frozenset[str | None]  # of those, the ones whose rows changed in more than some weeks
    pairs: frozenset[tuple[str, date]]  # the weeks (athlete and week) that changed of the others
    incremental: bool  # rebuilt for those athletes (and weeks), not whole
    kept: bool  # nothing it reads changed since the last complete build: left as it is
    compared: bool  # rebuilt whole, its rows compared per athlete before and after
    week: date | None  # a dated model's first week rebuilt for every athlete
    by_week: bool  # week-local: rebuilt for the changed weeks of `pairs`
    region: Region  # the rows it may rewrite, for publish
    checks: tuple[SqlCheck, ...]  # run after it, on its table


@dataclass(frozen=True)
class _Built:
    """What building a model did: the athletes whose rows changed in it and their changed weeks,
    the event to report and its checks' outcomes."""

    athletes: frozenset[str | None]
    pairs: frozenset[tuple[str, date]]
    event: ModelBuilt
    checks: tuple[CheckDone, ...]


class _BuildState:
    """Whose rows changed in each table so far on this run, and which tables did not change: what
    decides how the next model is built (`decide`), updated as each is done (`settle`)."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, plan: BuildPlan | None, existing: set[str]
    ) -> None:
        self.existing = existing  # the tables there were before the build
        self.per_athlete = plan is not None and not plan.full
        # the dated models' week, asked for once the data date is built (a dated model reads it)
        self.since = functools.cache(lambda: dated_since(con, plan))
        # whose rows changed in each table: the loaded tables' from the plan, a model's from what
        # it reads (and what it redid, or found changed, itself)
        self.changed: dict[str, frozenset[str | None]] = (
            dict(plan.changed) if self.per_athlete else {}
        )
        # the tables none of whose rows changed: a model reading only those is kept as it is
        self.unchanged = set(plan.unchanged) if self.per_athlete else set()
        # and of those, the athletes whose rows changed only in some weeks: those weeks
        self.weeks: dict[str, frozenset[tuple[str, date]]] = (
            dict(plan.weeks) if self.per_athlete else {}
        )

    def decide(self, model: Model, checks: tuple[SqlCheck, ...]) -> _Step:
        changed, weeks = self.changed, self.weeks
        athletes = frozenset().union(*(changed.get(t, frozenset()) for t in model.depends_on))
        # of those, the ones whose rows changed only in some weeks, in every table they changed
        # in (`weeks`): a week-local model rebuilds just those weeks of theirs
        whole = frozenset().union(
            *(changed.get(t, frozenset()) - _athletes_of(weeks.get(t)) for t in model.depends_on)
        )
        pairs = frozenset(
            p for t in model.depends_on for p in weeks.get(t, ()) if p[0] not in whole
        )
        if model.reads_week_before:
            pairs |= {(a, week + timedelta(days=7)) for a, week in pairs}
        incremental = self.per_athlete and (model.incremental is not None or extendable(model))
        kept = (
            self.per_athlete
            and self.unchanged.issuperset(model.depends_on)
            and model.name in self.existing
        )
        if incremental and model.dated:
            incremental = self.since() is not None  # else the data date moved back: whole
        week = self.since() if incremental and model.dated else None
        by_week = incremental and model.week_local
        if not incremental or isinstance(model, PythonModel):
            region = Region(whole=True)
        elif by_week:
            region = Region(athletes=whole, since=week, weeks=pairs)
        else:
            region = Region(athletes=athletes, since=week)
        return _Step(
            model,
            athletes,
            whole,
            pairs,
            incremental=incremental,
            kept=kept,
            compared=self.per_athlete and model.compared,
            week=week,
            by_week=by_week,
            region=region,
            checks=checks,
        )

    def settle(self, step: _Step, built: _Built) -> None:
        model = step.model
        athletes = built.athletes
        if step.kept:  # its inputs, and so its rows, are the last complete build's
            self.unchanged.add(model.name)
        if not (step.incremental or model.compared or model.layer == "staging"):
            # rebuilt whole and not per athlete (the data date, club-wide figures): only dated
            # models read it, and they redo every athlete's weeks from it themselves
            athletes = frozenset()
        self.changed[model.name] = athletes
        if step.by_week or model.layer == "staging" or (step.incremental and extendable(model)):
            self.weeks[model.name] = built.pairs


def _build(con: duckdb.DuckDBPyConnection, step: _Step, thresholds: Thresholds | None) -> _Built:
    """Build one model as `step` says, on `con` (a worker's own cursor), then its checks."""
    started = time.perf_counter()
    model, athletes, pairs = step.model, step.athletes, step.pairs
    if step.kept:
        pass
    elif step.incremental and isinstance(model, PythonModel):
        # the athletes it redid (a seed not yet settled) are redone downstream too, and those it
        # redid from some week on, those weeks
        redone, redone_weeks = model.extend(con, athletes, thresholds)
        athletes |= redone
        pairs = frozenset(p for p in redone_weeks if p[0] not in redone)
    elif step.by_week:
        rebuild_for_athletes(con, model.name, model.sql, step.whole, step.week, pairs)
    elif step.incremental:
        rebuild_for_athletes(con, model.name, model.sql, athletes, step.week)
    elif step.compared:
        athletes = rebuild_compared(con, model.name, lambda: run_sql_model(con, model))
    elif isinstance(model, SqlModel):
        run_sql_model(con, model)
    else:
        run_python_model(con, model, thresholds)
    rows = con.sql(f"select count(*) from {ident(model.name)}").fetchall()[0][0]  # noqa: S608
    event = ModelBuilt(
        model,
        rows,
        time.perf_counter() - started,
        step.incremental,
        len(athletes) if step.incremental else None,
        step.kept,
    )
    return _Built(athletes, pairs, event, tuple(_check(con, c) for c in step.checks))


def _check(
    con: duckdb.DuckDBPyConnection,
    check: SqlCheck,
    changed: frozenset[str | None] | None = None,
) -> CheckDone:
    started = time.perf_counter()
    offending = offending_rows(con, check, changed)
    return CheckDone(check, offending == 0, offending, time.perf_counter() - started)


def _noted(
    done: CheckDone, failed: dict[str, list[str]], evaluated: list[tuple[SqlCheck, int]]
) -> CheckDone:
    """A check's outcome kept for `record_results`, and a blocking failure for what reads its table."""
    evaluated.append((done.check, done.offending_rows))
    if done.blocks:
        failed.setdefault(done.check.table, []).append(done.check.name)
    return done


@dataclass(frozen=True)
class ModelGraph:
    """Every model and check, in dependency order."""

    models: Mapping[str, Model]
    checks: tuple[SqlCheck, ...] = ()

    @classmethod
    def load(
        cls,
        sql_root: Path = SQL_ROOT,
        python_models: Iterable[PythonModel] = (),
        checks: Iterable[SqlCheck] | None = None,
    ) -> ModelGraph:
        """The models under sql_root plus the Python ones, with the checks under sql_root/checks."""
        models: dict[str, Model] = {m.name: m for m in discover_models(sql_root)}
        for model in python_models:
            if model.name in models:
                raise ModelError(f"model {model.name} is defined both in SQL and in Python.")
            models[model.name] = model
        if checks is None:
            checks = discover_checks(sql_root / "checks")
        check_incremental(models)
        return cls(models, tuple(checks))

    @cached_property
    def order(self) -> list[str]:
        graph = {n: [d for d in m.depends_on if d in self.models] for n, m in self.models.items()}
        try:
            return list(TopologicalSorter(graph).static_order())
        except CycleError as error:
            raise ModelError(f"models depend on each other in a circle: {error.args[1]}") from error

    @cached_property
    def sources(self) -> set[str]:
        """Tables the models read that no model builds: the loaded (staging) tables."""
        return {d for m in self.models.values() for d in m.depends_on} - set(self.models)

    def upstream(self, name: str) -> set[str]:
        """Every table `name` reads, directly or through other models."""
        seen: set[str] = set()
        todo = list(self.models[name].depends_on) if name in self.models else []
        while todo:
            table = todo.pop()
            if table not in seen:
                seen.add(table)
                if table in self.models:
                    todo.extend(self.models[table].depends_on)
        return seen

    @cached_property
    def heights(self) -> dict[str, int]:
        """Each model's longest chain of models reading it, directly or not: a worker free takes
        the ready model with the longest first, so the graph's longest path starts early."""
        readers: dict[str, list[str]] = {n: [] for n in self.models}
        for name, model in self.models.items():
            for table in model.depends_on:
                if table in readers:
                    readers[table].append(name)
        heights: dict[str, int] = {}
        for name in reversed(self.order):
            heights[name] = 1 + max((heights[r] for r in readers[name]), default=0)
        return heights

    def iter_run(
        self,
        con: duckdb.DuckDBPyConnection,
        thresholds: Thresholds | None = None,
        run_id: str = "",
        models: set[str] | None = None,
        checks: set[str] | None = None,
        *,
        track_changes: bool = False,
        full_rebuild: bool = False,
        threads: int = MODEL_THREADS,
    ) -> Iterator[GraphEvent]:
        """Build the selected models (all by default), each followed by its checks, a model once
        every model it reads is done; `threads` at a time, each on its own cursor of `con`.

        Checks on loaded tables run first. A failed ERROR check skips every selected model that
        reads its table, directly or not; the rest of the graph is still built. Python models get
        `thresholds`, by default read back from the `settings` table so SQL and Python agree.
        `track_changes` (the pipeline's run): incremental models are rebuilt only for the athletes
        whose data changed since the last complete build, when nothing else changed (see
        incremental.py); `full_rebuild` rebuilds all. A complete build (every model, every check
        run, none blocking) records what it was built from; without `track_changes` every selected
        model is rebuilt whole and nothing recorded. A model that fails lets the ones being built
        finish, starts no other, and is raised.
        """
        selected = set(self.models) if models is None else models
        wanted = [c for c in self.checks if checks is None or c.name in checks]
        existing = set(table_columns(con))  # a model's own table is made only by building it
        self._require_sources(existing, selected)
        if thresholds is None and any(isinstance(self.models[n], PythonModel) for n in selected):
            thresholds = thresholds_from_settings(con)
        plan = None
        if track_changes:
            subset = selected != set(self.models)
            plan = plan_build(con, self.models, self.checks, full_rebuild or subset)
            if subset:
                plan = dataclasses.replace(plan, reason="a subset of the models was selected")
            yield BuildPlanned(plan)
            forget_build(con)
        state = _BuildState(con, plan, existing)
        failed: dict[str, list[str]] = {}
        evaluated: list[tuple[SqlCheck, int]] = []
        # the rows of each mart this build rewrites, for publish (journal.py): none until built
        build = start_build(con)
        regions = {n: Region() for n, m in self.models.items() if m.layer == "marts"}
        cursors: list[duckdb.DuckDBPyConnection] = []
        local = threading.local()

        def work(step: _Step) -> _Built:
            if not hasattr(local, "con"):  # each worker thread its own cursor, for its life
                local.con = con.cursor()
                cursors.append(local.con)
            return _build(local.con, step, thresholds)

        try:
            # a complete build is recorded only when every blocking check passed: on an
            # incremental run a loaded table's checks look at what its changed athletes touch
            for check in [c for c in wanted if c.table not in self.models]:
                if check.table in state.unchanged:  # a check reads only its table: it would pass
                    evaluated.append((check, 0))
                    yield CheckDone(check, True, 0, 0.0, kept=True)
                else:
                    done = _check(con, check, state.changed.get(check.table))
                    yield _noted(done, failed, evaluated)
            todo = [n for n in self.order if n in selected]
            finished: set[str] = set()
            running: dict[Future[_Built], _Step] = {}
            error: BaseException | None = None
            with ThreadPoolExecutor(threads, thread_name_prefix="model") as pool:
                while running or (todo and error is None):
                    # after a failure nothing more starts; the running ones finish
                    ready = [
                        n
                        for n in (todo if error is None else [])
                        if finished.issuperset(
                            d for d in self.models[n].depends_on if d in selected
                        )
                    ]
                    for name in sorted(ready, key=lambda n: -self.heights[n]):
                        todo.remove(name)
                        blocked = sorted(
                            {c for t in self.upstream(name) for c in failed.get(t, [])}
                        )
                        if blocked:
                            failed[name] = blocked
                            finished.add(name)
                            yield ModelSkipped(self.models[name], tuple(blocked))
                            continue
                        step = state.decide(
                            self.models[name], tuple(c for c in wanted if c.table == name)
                        )
                        if name in regions and not step.kept:  # before it is rebuilt: a failure
                            regions[name] = step.region  # may leave it half done
                        running[pool.submit(work, step)] = step
                    if not running:
                        continue  # skipped models may have made others ready
                    done_now, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in sorted(done_now, key=lambda f: running[f].model.name):
                        step = running.pop(future)
                        try:
                            built = future.result()
                        except BaseException as exc:  # re-raised once the others end
                            error = error or exc
                            continue
                        state.settle(step, built)
                        finished.add(step.model.name)
                        yield built.event
                        for done in built.checks:
                            yield _noted(done, failed, evaluated)
            if error is not None:
                raise error
            # complete: every model built and every check run and passed
            complete = selected == set(self.models) and len(wanted) == len(self.checks)
            if plan is not None and not failed and complete:
                record_build(con, plan)
        finally:
            for cursor in cursors:
                cursor.close()
            # one batch each, also when a model fails half way
            record_regions(con, build, regions)
            record_results(con, evaluated, run_id)

    def run(
        self,
        con: duckdb.DuckDBPyConnection,
        thresholds: Thresholds | None = None,
        run_id: str = "",
        models: set[str] | None = None,
        checks: set[str] | None = None,
    ) -> dict[str, int]:
        """`iter_run` to the end; returns the row count of every model built."""
        return {
            event.model.name: event.rows
            for event in self.iter_run(con, thresholds, run_id, models, checks)
            if isinstance(event, ModelBuilt)
        }

    def _require_sources(self, tables: Iterable[str], selected: set[str]) -> None:
        for name in selected:
            for dependency in self.models[name].depends_on:
                if dependency not in self.models and dependency not in tables:
                    raise ModelError(
                        f"model {name} reads {dependency!r}, which is neither a model nor a table "
                        "in the warehouse: load the staging tables first or fix the SQL."
                    )


def run_sql_model(con: duckdb.DuckDBPyConnection, model: SqlModel) -> None:
    """Replace `model.name` with its SELECT: a view for staging models, a table for the others.

    Staging models only rename, filter and derive columns of the loaded tables, so as views they
    cost nothing to rebuild each night, however long the club's history.

    An incremental intermediate model with a week column is written in week order: a night reads
    and rewrites every athlete's weeks from the last data week on, which its blocks' week ranges
    then let DuckDB find without reading the rest (in athlete order every block holds some: at
    2,000 athletes x 3 years `int_strength_progress` took 0.12 s a night, in week order 0.045 s).
    Nights append their rows after them, so the order holds roughly; a full rebuild restores it.
    """
    kind = "view" if model.layer == "staging" else "table"
    existing = con.sql(
        "select table_type from information_schema.tables "
        "where table_schema = 'main' and table_name = ?",
        params=[model.name],
    ).fetchall()
    if existing and (existing[0][0] == "VIEW") != (kind == "view"):
        other = "view" if existing[0][0] == "VIEW" else "table"
        con.sql(f"drop {other} {ident(model.name)}")
    # the newline keeps a trailing comment line from swallowing anything appended later
    select = model.sql
    incremental = model.layer == "intermediate" and model.incremental is not None
    if incremental and WEEK in con.sql(model.sql).columns:
        select = f"select * from ({model.sql}\n) order by {WEEK}"  # noqa: S608
    con.sql(f"create or replace {kind} {ident(model.name)} as {select}\n")


def run_python_model(
    con: duckdb.DuckDBPyConnection, model: PythonModel, thresholds: Thresholds
) -> None:
    """Replace table `model.name` with the frame its function returns from the tables it names."""
    inputs = {table: con.table(table) for table in model.depends_on}
    replace_table(con, model.name, model.fn(**inputs, thresholds=thresholds))


def settings_frame(thresholds: Thresholds) -> pl.DataFrame:
    """The one-row `settings` table: a column per Thresholds field."""
    return pl.DataFrame([dataclasses.asdict(thresholds)])


def thresholds_from_settings(con: duckdb.DuckDBPyConnection) -> Thresholds:
    """The Thresholds the pipeline wrote into `settings` (defaults for any column it lacks)."""
    if not table_exists(con, "settings"):
        raise ModelError(
            "the warehouse has no settings table: the pipeline writes it before the models."
        )
    row = con.sql("select * from settings limit 1").pl().to_dicts()
    known = {f.name for f in dataclasses.fields(Thresholds)}
    return Thresholds(**{k: v for k, v in (row[0] if row else {}).items() if k in known})
