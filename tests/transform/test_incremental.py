"""Incremental models: a night rebuilt only for the athletes whose data changed equals a full rebuild.

The night: the demo club's history (the shared small club), then new activity files, a replaced
strength export and app check-ins for three athletes, ingested by the real pipeline. Its every
int_ and mart_ table is compared row for row with a full rebuild of the same warehouse.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from polars.testing import assert_frame_equal

from pipelines.defs.assets.models import BUILD_TAG
from pipelines.demo.generate import DEFAULT_END_DATE, generate_demo_club
from pipelines.run import run_ingest
from pipelines.settings import SQL_ROOT, load_settings
from pipelines.transform.checks import SqlCheck, discover_checks, offending_rows
from pipelines.transform.club_graph import club_model_graph
from pipelines.transform.incremental import STATE_TABLE, WEEK_STATE_TABLE, BuildPlan
from pipelines.transform.runner import (
    BuildPlanned,
    CheckDone,
    GraphEvent,
    ModelBuilt,
    ModelGraph,
    ModelSkipped,
    extendable,
)
from pipelines.transform.sql_files import ModelError
from pipelines.transform.statistics import PYTHON_MODELS
from tests.transform.test_runner import write

NIGHT_ATHLETES = ("a001", "a002", "a003")
# the dated models declared week-local, and a column each that a test marks rows by
DATED_WEEK_LOCAL = {
    "mart_athlete_weekly": "median_ef",
    "int_running_exposure": "runs",
    "int_injury_athlete_weeks": "cases",
}


def _night_files(target: Path) -> Path:
    """The week after the demo club's history for three athletes: runs, a Strong export, check-ins."""
    generate_demo_club(
        target,
        athletes=len(NIGHT_ATHLETES),
        weeks=1,
        seed=5,
        streams=False,
        end_date=DEFAULT_END_DATE + timedelta(days=7),
        bad_files=False,
    )
    return target / "inbox"


def _ingest(home: Path, full_rebuild: bool = False) -> str:
    """One real run; returns how it built the models (its run tag)."""
    with dg.DagsterInstance.ephemeral() as instance:
        outcome = run_ingest(load_settings(home), full_rebuild=full_rebuild, instance=instance)
        assert outcome.success, outcome.blocked_reason
        return instance.get_run_by_id(outcome.run_id).tags[BUILD_TAG]


def test_an_incremental_night_equals_a_full_rebuild(demo_home: Path, tmp_path: Path) -> None:
    home = tmp_path / "club"
    shutil.copytree(demo_home, home)
    for folder in sorted(p for p in _night_files(tmp_path / "night").iterdir() if p.is_dir()):
        assert folder.name in NIGHT_ATHLETES
        shutil.copytree(folder, home / "inbox" / folder.name, dirs_exist_ok=True)
    # a coach's record that is no record: the registry's rows of no athlete are rebuilt too
    (home / "club" / "records").mkdir(exist_ok=True)
    (home / "club" / "records" / "stray.json").write_text("{}")

    assert _ingest(home) == "incremental"
    incremental = tmp_path / "incremental.duckdb"
    shutil.copyfile(home / "warehouse.duckdb", incremental)
    assert _ingest(home, full_rebuild=True) == "full"

    graph = club_model_graph()
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        con.sql(f"attach '{incremental}' as night (read_only)")
        unequal = [
            n for n, m in graph.models.items() if m.layer != "staging" and _rows_differ(con, n)
        ]
        # and the night recorded the same fingerprints per athlete and week the full build did
        assert not _rows_differ(con, WEEK_STATE_TABLE)
        for table in unequal:
            _assert_equal_but_float_sums(con, table)
        new_runs = con.sql(
            "select count(*) from mart_athlete_runs where local_date >= ?",
            params=[DEFAULT_END_DATE],
        ).fetchall()[0][0]
        stray = con.sql(
            "select athlete_id, status from night.mart_data_health_files "
            "where original_name = 'stray.json'"
        ).fetchall()
    # the incremental models and everything else equal exactly; the others within float noise
    assert not {n for n in unequal if graph.models[n].incremental or extendable(graph.models[n])}
    assert new_runs > 0  # the night's runs are in (and so equal in both builds)
    assert stray == [(None, "rejected")]


def _rows_differ(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether `table` and `night.table` differ by any row, as multisets (EXCEPT ALL both ways)."""
    return (
        con.sql(
            f"select count(*) from ((select * from night.{table} except all select * from {table}) "  # noqa: S608
            f"union all (select * from {table} except all select * from night.{table}))"
        ).fetchall()[0][0]
        > 0
    )


def _assert_equal_but_float_sums(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Equal but for the last digits of floating-point figures.

    A sum of doubles depends on the order it adds them in: DuckDB's parallel aggregation and the
    rows' physical order (an incremental table has the changed athletes' rows last) move the last
    bit of a club-wide sum of doubles and what is computed from it (the club-wide km and hours are
    exact decimal sums). Every other column is compared exactly.
    """
    full, night = con.table(table), con.sql(f"select * from night.{table}")  # noqa: S608
    floats = [c for c, t in zip(full.columns, full.types, strict=True) if str(t) == "DOUBLE"]
    order = [c for c in full.columns if c not in floats] + floats
    assert_frame_equal(
        night.pl().sort(order, nulls_last=True),
        full.pl().sort(order, nulls_last=True),
        check_exact=False,
        rel_tol=1e-9,
        abs_tol=1e-12,
    )


@pytest.fixture
def warehouse(demo_home: Path, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """A copy of the demo club's warehouse, built and recorded by the pipeline."""
    shutil.copyfile(demo_home / "warehouse.duckdb", tmp_path / "warehouse.duckdb")
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        yield con


def _plan(graph: ModelGraph, con: duckdb.DuckDBPyConnection, **kwargs: bool) -> BuildPlan:
    """Build the graph as the pipeline does; its plan, checked against how each model was built."""
    events = list(graph.iter_run(con, track_changes=True, **kwargs))
    planned = events[0]
    assert isinstance(planned, BuildPlanned)
    built = {e.model.name: e.incremental for e in events if isinstance(e, ModelBuilt)}
    assert built == {
        name: (model.incremental is not None or extendable(model)) and not planned.plan.full
        for name, model in graph.models.items()
    }
    return planned.plan


def test_changed_athletes_only_are_rebuilt(warehouse: duckdb.DuckDBPyConnection) -> None:
    graph = club_model_graph()
    assert warehouse.table(STATE_TABLE).shape == (1, 4)  # recorded by the demo club's build
    assert _plan(graph, warehouse).athletes == frozenset()
    warehouse.sql(
        "delete from activities where athlete_id = 'a004' and local_date < date '2026-06-01'"
    )
    warehouse.sql("update checkin_answers set q1 = q1 where athlete_id = 'a005'")  # no change
    planned = _plan(graph, warehouse)
    assert (planned.full, planned.athletes) == (False, frozenset({"a004"}))


def _night_after(
    graph: ModelGraph, warehouse: duckdb.DuckDBPyConnection, *changes: str
) -> list[GraphEvent]:
    """An incremental build of the recorded warehouse after these statements changed it."""
    assert not _plan(graph, warehouse).full
    for statement in changes:
        warehouse.sql(statement)
    return list(graph.iter_run(warehouse, track_changes=True))


def test_a_model_is_rebuilt_for_the_athletes_whose_rows_it_reads_changed(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    # a004's runs change, nothing else: what reads runs redoes a004; the strength, OSTRC and
    # assessment chains redo no one (the dated models still redo every athlete's last weeks)
    graph = club_model_graph()
    events = _night_after(
        graph,
        warehouse,
        "delete from activities where athlete_id = 'a004' and local_date < date '2026-06-01'",
        # a mark the model would not write: kept, it stays
        "update mart_ostrc_summary set weeks = -1",
    )
    plan = events[0].plan
    assert plan.changed["activities"] == {"a004"} and plan.changed["strength_sets"] == set()
    redone = {e.model.name: e.athletes for e in events if isinstance(e, ModelBuilt)}
    kept = {e.model.name for e in events if isinstance(e, ModelBuilt) and e.kept}
    # what reads only unchanged tables is kept, not rebuilt: the OSTRC, check-in and assessment
    # chains and their club-wide statistics; what reads the runs, or the ingest errors (compared
    # neither per athlete nor as a club file), is rebuilt
    assert {"mart_ostrc_summary", "mart_ostrc_weekly", "mart_assessment_results"} <= kept
    assert not any("activities" in graph.upstream(name) for name in kept)
    assert "mart_data_health_errors" not in kept
    assert warehouse.sql("select distinct weeks from mart_ostrc_summary").fetchall() == [(-1,)]
    assert redone["mart_athlete_runs"] == redone["int_session_load"] == 1
    # dated and week-local: a004's weeks from its first changed one, and everyone's last weeks
    assert redone["mart_athlete_weekly"] == 1
    for untouched in (
        "int_strength_exercise_sessions",
        "int_ostrc_answers",
        "int_assessment_values",
    ):
        assert "activities" not in graph.upstream(untouched)
        assert redone[untouched] == 0
    assert redone["mart_club_weekly"] is None  # rebuilt whole
    # a check reads only its table: on a loaded table as the last complete build saw it (which
    # passed every check) it is kept, not run; on one that changed it runs
    checks = {e.check.name: e for e in events if isinstance(e, CheckDone)}
    assert checks["strength_sets_keys"].kept and checks["strength_sets_keys"].passed
    assert checks["ostrc_responses_keys"].kept
    assert not checks["activities_keys"].kept and checks["activities_keys"].passed


def test_a_build_that_stopped_half_way_is_followed_by_a_full_one(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    # a copy of a run breaks activities' key: what reads them is not rebuilt, the build stops
    # short of complete; the copy goes again, so the data is what the last complete build saw,
    # but a004's strength rows of the half build came from the data in between
    graph = club_model_graph()
    warehouse.sql("create temp table saved as from strength_sets where athlete_id = 'a004'")
    events = _night_after(
        graph,
        warehouse,
        "insert into activities from activities where athlete_id = 'a004' limit 1",
        "delete from strength_sets where athlete_id = 'a004'",
    )
    assert any(isinstance(e, ModelSkipped) for e in events)
    warehouse.sql("delete from activities where rowid = (select max(rowid) from activities)")
    warehouse.sql("insert into strength_sets from saved")

    plan = _plan(graph, warehouse)

    assert (plan.full, plan.reason) == (True, "the last build stopped before it completed")


def _a_run_of_a004(
    warehouse: duckdb.DuckDBPyConnection, source: str
) -> tuple[list[tuple[str, date]], str, date]:
    """a004's runs in `source` (activity and week, in time order), and the 21st's: months ago."""
    runs = warehouse.sql(
        f"select activity_id, week_start from {source} where athlete_id = 'a004' "  # noqa: S608
        "order by start_local"
    ).fetchall()
    return runs, *runs[20]


def test_a_week_local_model_is_rebuilt_for_the_changed_weeks_only(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    # one of a004's runs goes: the week-local models redo that week of a004's, not three years
    graph = club_model_graph()
    assert graph.models["mart_athlete_runs"].week_local
    runs, gone, week = _a_run_of_a004(warehouse, "mart_athlete_runs")
    kept = next(activity for activity, other in runs if other > week)
    events = _night_after(
        graph,
        warehouse,
        # a mark on a row of a later week, which only a rebuild of that week would undo
        f"update mart_athlete_runs set name = 'not rebuilt' where activity_id = '{kept}'",  # noqa: S608
        f"delete from activities where activity_id = '{gone}'",  # noqa: S608
    )
    assert events[0].plan.weeks["activities"] == {("a004", week)}
    runs = dict(
        warehouse.sql(
            "select activity_id, name from mart_athlete_runs where activity_id in (?, ?)",
            params=[gone, kept],
        ).fetchall()
    )
    assert runs == {kept: "not rebuilt"}  # the run is gone from its week; the other week untouched
    week_runs = warehouse.sql(
        "select runs from int_athlete_week_runs where athlete_id = 'a004' and week_start = ?",
        params=[week],
    ).fetchall()
    left = warehouse.sql(
        "select count(*) from stg_running_activities where athlete_id = 'a004' and week_start = ?",
        params=[week],
    ).fetchall()[0][0]
    assert week_runs == ([(left,)] if left else [])


def test_a_dated_week_local_model_is_rebuilt_from_the_changed_week_on(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    # one of a004's runs of months ago goes: int_daily_load redoes a004's days from that day on,
    # mart_athlete_weekly (fitness carries on) redoes the weeks from that week on,
    # int_running_exposure that week only, and int_injury_athlete_weeks (the week before's km is a
    # covariate) that week and the next; the other weeks stay as they were
    graph = club_model_graph()
    assert all(graph.models[n].week_local and graph.models[n].dated for n in DATED_WEEK_LOCAL)
    assert graph.models["int_injury_athlete_weeks"].reads_week_before
    runs, gone, week = _a_run_of_a004(
        warehouse, "(select * from stg_running_activities where exposure_hours > 0)"
    )
    before = max(w for _, w in runs if w < week)
    after = week + timedelta(days=7)
    later = min(w for _, w in runs if w > after)
    assert after in {w for _, w in runs}  # a row to mark in each table that week
    for table, column in DATED_WEEK_LOCAL.items():
        warehouse.sql(
            f"update {table} set {column} = -1 "  # noqa: S608
            "where athlete_id = 'a004' and week_start in (?, ?, ?)",
            params=[before, after, later],
        )
    events = _night_after(
        graph,
        warehouse,
        f"delete from activities where activity_id = '{gone}'",  # noqa: S608
    )
    assert events[0].plan.weeks["activities"] == {("a004", week)}
    marked = {
        table: warehouse.sql(
            f"select distinct week_start from {table} where {column} = -1 order by 1"  # noqa: S608
        ).fetchall()
        for table, column in DATED_WEEK_LOCAL.items()
    }
    assert marked == {
        "mart_athlete_weekly": [(before,)],  # the weeks after were redone: fitness moved
        "int_running_exposure": [(before,), (after,), (later,)],
        "int_injury_athlete_weeks": [(before,), (later,)],
    }
    # what was rebuilt is what the model makes from the data now
    for table in DATED_WEEK_LOCAL:
        rebuilt = (
            f"where athlete_id = 'a004' and week_start > '{before}' "
            f"and week_start not in ({', '.join(repr(str(w)) for (w,) in marked[table])})"
        )
        got = warehouse.sql(f"select * from {table} {rebuilt}").pl()  # noqa: S608
        want = warehouse.sql(f"select * from ({graph.models[table].sql}\n) {rebuilt}").pl()  # noqa: S608
        assert got.height > 10
        assert_frame_equal(got.sort(got.columns), want.sort(got.columns))


def test_a_changed_running_dynamics_row_counts_for_its_activitys_athlete(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    # activity_dynamics has no athlete_id: it is attributed through activities, not taken for a
    # club file (which would rebuild everything whenever a night brought a watch's dynamics)
    graph = club_model_graph()
    assert not _plan(graph, warehouse).full
    (activity_id, athlete_id), *_ = warehouse.sql(
        "select activity_id, athlete_id from activities join activity_dynamics using (activity_id) "
        "order by activity_id limit 1"
    ).fetchall()
    warehouse.sql(
        "update activity_dynamics set watch_rpe = 7.5 where activity_id = ?", params=[activity_id]
    )
    planned = _plan(graph, warehouse)
    assert (planned.full, planned.athletes) == (False, frozenset({athlete_id}))
    load = warehouse.sql(
        "select load, load_method from int_session_load where session_id = ?", params=[activity_id]
    ).fetchall()
    minutes = warehouse.sql(
        "select duration_min from stg_activities where activity_id = ?", params=[activity_id]
    ).fetchall()[0][0]
    assert load == [(pytest.approx(7.5 * minutes), "watch_rpe")]  # and the night recomputed it
    daily, sessions = warehouse.sql(
        "select d.load, (select sum(s.load) from int_session_load s "
        "where s.athlete_id = d.athlete_id and s.local_date = d.date) "
        "from int_daily_load d join stg_activities a "
        "on a.athlete_id = d.athlete_id and a.local_date = d.date where a.activity_id = ?",
        params=[activity_id],
    ).fetchall()[0]
    assert daily == pytest.approx(sessions)  # the athlete's daily load was carried anew


def test_a_settings_change_rebuilds_all(warehouse: duckdb.DuckDBPyConnection) -> None:
    warehouse.sql("update settings set checkin_grace_days = checkin_grace_days + 1")
    planned = _plan(club_model_graph(), warehouse)
    assert (planned.full, planned.reason) == (True, "the settings or a club file changed")
    assert not _plan(club_model_graph(), warehouse).full  # recorded: the next build is not


def test_a_changed_model_rebuilds_all(warehouse: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    sql_root = tmp_path / "sql"
    shutil.copytree(SQL_ROOT, sql_root)
    model = sql_root / "marts" / "mart_athlete_runs.sql"
    model.write_text(model.read_text().replace("trimp\n", "trimp, 1 AS version\n"))
    planned = _plan(ModelGraph.load(sql_root, PYTHON_MODELS), warehouse)
    assert (planned.full, planned.reason) == (True, "a model's or a check's code changed")


def test_a_changed_check_rebuilds_all(warehouse: duckdb.DuckDBPyConnection) -> None:
    # a new or changed check must see every row once, not only the changed athletes' keys
    checks = [
        *discover_checks(),
        SqlCheck("runs_new", "activities", "new.", "from activities where false"),
    ]
    planned = _plan(ModelGraph.load(SQL_ROOT, PYTHON_MODELS, checks), warehouse)
    assert (planned.full, planned.reason) == (True, "a model's or a check's code changed")


def test_an_incremental_night_checks_every_row_the_changed_athletes_touch(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    # the night's key check reads only the keys of the changed athletes' rows, yet finds every
    # offending row the whole check finds: a005's unchanged row whose key a004's new row took too
    events = _night_after(
        club_model_graph(),
        warehouse,
        "insert into activities select * replace ('a004' as athlete_id) from activities "
        "where athlete_id = 'a005' order by activity_id limit 1",
        "update activities set sport = null where activity_id = "
        "(select min(activity_id) from activities where athlete_id = 'a006')",
    )
    assert isinstance(events[0], BuildPlanned)
    assert (events[0].plan.full, events[0].plan.athletes) == (False, frozenset({"a004", "a006"}))
    check = next(
        e for e in events if isinstance(e, CheckDone) and e.check.name == "activities_keys"
    )
    assert check.check.changed_sql is not None and not check.passed
    # the two rows sharing a key, and the row without its sport; the whole check agrees
    assert check.offending_rows == offending_rows(warehouse, check.check) == 3


def test_full_rebuild_is_asked_for(warehouse: duckdb.DuckDBPyConnection) -> None:
    planned = _plan(club_model_graph(), warehouse, full_rebuild=True)
    assert (planned.full, planned.reason) == (True, "asked for (--full-rebuild)")


def test_an_incremental_model_reads_only_per_athlete_tables(tmp_path: Path) -> None:
    write(tmp_path, "intermediate", "int_club", "-- int_club: club-wide.\nselect 1 as athlete_id")
    write(
        tmp_path,
        "marts",
        "mart_x",
        "-- mart_x: reads a club-wide model.\n-- incremental: athlete_id\nselect * from int_club",
    )
    with pytest.raises(ModelError, match="mart_x is declared incremental but reads int_club"):
        ModelGraph.load(tmp_path)
    write(tmp_path, "marts", "mart_x", "-- mart_x: per run.\n-- incremental: run_id\nselect 1")
    with pytest.raises(ModelError, match="only by athlete_id"):
        ModelGraph.load(tmp_path)
    # a model rebuilt whole but compared per athlete may be read: its changed athletes are known
    compared = "-- int_club: compared.\n-- compared: athlete_id\nselect 1 as athlete_id"
    write(tmp_path, "intermediate", "int_club", compared)
    reader = "-- mart_x: reads it.\n-- incremental: athlete_id\nselect * from int_club"
    write(tmp_path, "marts", "mart_x", reader)
    assert ModelGraph.load(tmp_path).models["int_club"].compared
    write(tmp_path, "intermediate", "int_club", compared.replace("athlete_id\n", "run_id\n", 1))
    with pytest.raises(ModelError, match="compared only by athlete_id"):
        ModelGraph.load(tmp_path)


def _build(con: duckdb.DuckDBPyConnection, **kwargs: bool) -> dict[str, bool]:
    """Build the club's graph as the pipeline does; whether each model was built incrementally."""
    events = club_model_graph().iter_run(con, track_changes=True, **kwargs)
    return {e.model.name: e.incremental for e in events if isinstance(e, ModelBuilt)}


def _add_run(con: duckdb.DuckDBPyConnection, athlete_id: str, day: date, to: str = "") -> None:
    """A copy of the athlete's last run, on `day` (for athlete `to`, when given): a new file that
    moves the data date there."""
    con.sql(
        "insert into activities select * replace ("
        "activity_id || '-' || $day::varchar as activity_id, $day::date as local_date, "
        "coalesce(nullif($to, ''), athlete_id) as athlete_id, "
        "date_trunc('week', $day::date)::date as week_start, "
        "start_utc + ($day::date - local_date) * interval 1 day as start_utc, "
        "start_local + ($day::date - local_date) * interval 1 day as start_local) "
        "from activities where athlete_id = $athlete and duplicate_of is null "
        "order by local_date desc, activity_id limit 1",
        params={"day": day, "athlete": athlete_id, "to": to},
    )


def test_dated_models_follow_the_data_date_forward_and_back(
    demo_home: Path, tmp_path: Path
) -> None:
    # Each night one athlete's new run moves the data date: mid-week (the week in progress has no
    # adherence yet), to the Sunday that completes that week for every athlete, two weeks on, and
    # back again when the runs are removed. After each night every table equals a full rebuild:
    # the dated models rebuilt the other athletes' rows from the last data week on, and rebuilt
    # whole when the date moved back past it. A member whose first run came on the first night has
    # too few days for a settled load seed: the next night redoes their daily load, and what reads it.
    live, full = tmp_path / "live.duckdb", tmp_path / "full.duckdb"
    shutil.copyfile(demo_home / "warehouse.duckdb", live)
    graph = club_model_graph()
    dated = {n for n, m in graph.models.items() if m.dated}
    con = duckdb.connect(str(live))
    # ACWR from the first day, so a load seed that is not settled shows in mart_athlete_weekly
    con.sql("update settings set acwr_min_history_days = 1, rri_min_days = 12")
    last, athlete = con.sql(
        "select local_date, athlete_id from stg_activities order by local_date desc, athlete_id "
        "limit 1"
    ).fetchall()[0]
    # another member's knee, sore since nine days before the data date and not resolved: on the
    # first night its affected days reach rri_min_days and it becomes a running-related injury, so
    # that member's runs from onset on (in weeks before the data week) stop counting as at risk
    injured = con.sql(
        "select athlete_id from stg_running_activities where athlete_id <> ? and local_date "
        "between ? and ? order by athlete_id limit 1",
        params=[athlete, last - timedelta(days=9), last - timedelta(days=7)],
    ).fetchall()[0][0]
    con.sql(
        "insert into injury_reports by name select 'sore-knee' as report_id, ? as athlete_id, "
        "?::date as onset_date, 'knee' as area, 'left' as side, 'gradual' as onset, "
        "'' as description, true as can_run, now() as entered_at",
        params=[injured, last - timedelta(days=9)],
    )
    _build(con)
    rri_runs = (
        "select sum(runs) from int_running_exposure where athlete_id = ? and week_start < ? "
        "and case_definition = 'running_related_injury'"
    )
    at_risk_before = con.sql(rri_runs, params=[injured, last - timedelta(days=6)]).fetchall()
    assert last.weekday() == 6  # the demo club's history ends on a Sunday
    enrolled = con.sql("select count(distinct athlete_id) from stg_enrolments").fetchall()[0][0]
    nights = [
        (last + timedelta(days=3), True),
        (last + timedelta(days=7), True),
        (last + timedelta(days=17), True),
        (None, False),  # the runs removed: the data date moves back to `last`
    ]
    for day, forward in nights:
        if day is None:
            con.sql(
                "delete from activities where athlete_id = ? and local_date > ?",
                params=[athlete, last],
            )
        else:
            _add_run(con, athlete, day)
        if day == nights[0][0]:
            _add_run(con, athlete, last - timedelta(days=2), to="a-new-member")
        built = _build(con)
        assert {n: built[n] for n in dated} == dict.fromkeys(dated, forward), day
        if day == nights[1][0]:  # the new member's first days (a week before the data week) redone
            assert con.sql(
                "select min(days_of_history), min(date) from int_daily_load "
                "where athlete_id = 'a-new-member'"
            ).fetchall()[0] == (1, last - timedelta(days=2))
        assert con.sql("select as_of_date from int_data_as_of").fetchall()[0][0] == (day or last)
        if day == nights[0][0]:  # the injury's earlier weeks changed: compared, then rebuilt
            at_risk = con.sql(rri_runs, params=[injured, last - timedelta(days=6)]).fetchall()
            assert at_risk != at_risk_before
        con.close()
        shutil.copyfile(live, full)
        with duckdb.connect(str(full)) as rebuilt:
            _build(rebuilt, full_rebuild=True)
        con = duckdb.connect(str(live))
        con.sql(f"attach '{full}' as night (read_only)")
        unequal = [
            n for n, m in graph.models.items() if m.layer != "staging" and _rows_differ(con, n)
        ]
        # and the night recorded the same fingerprints per athlete and week the full build did
        assert not _rows_differ(con, WEEK_STATE_TABLE)
        for table in unequal:
            _assert_equal_but_float_sums(con, table)
        assert not {n for n in unequal if graph.models[n].incremental}, day
        con.sql("detach night")
    weeks = con.sql(
        "select count(*) filter (where week_start > ?), count(distinct athlete_id) "
        "from int_program_weeks",
        params=[last],
    ).fetchall()[0]
    con.close()
    assert weeks == (0, enrolled)


def test_only_a_dated_model_reads_the_data_date(tmp_path: Path) -> None:
    as_of = "-- int_data_as_of: the data date.\nselect current_date as as_of_date"
    write(tmp_path, "intermediate", "int_data_as_of", as_of)
    weeks = "select 'a' as athlete_id, as_of_date as week_start from int_data_as_of"
    write(
        tmp_path,
        "intermediate",
        "int_weeks",
        f"-- int_weeks: w.\n-- incremental: athlete_id\n{weeks}",
    )
    with pytest.raises(
        ModelError, match="int_weeks is declared incremental but reads int_data_as_of"
    ):
        ModelGraph.load(tmp_path)
    dated = "-- int_weeks: w.\n-- incremental: athlete_id, week_start\n"
    write(tmp_path, "intermediate", "int_weeks", dated + weeks)
    write(
        tmp_path,
        "marts",
        "mart_x",
        "-- mart_x: x.\n-- incremental: athlete_id\nselect * from int_weeks",
    )
    with pytest.raises(
        ModelError, match="mart_x is declared incremental but reads int_weeks, whose"
    ):
        ModelGraph.load(tmp_path)
    write(
        tmp_path,
        "marts",
        "mart_x",
        "-- mart_x: x.\n-- incremental: athlete_id, week_start\nselect * from int_weeks",
    )
    assert ModelGraph.load(tmp_path).models["mart_x"].dated
    write(tmp_path, "marts", "mart_x", "-- mart_x: x.\n-- incremental: athlete_id, day\nselect 1")
    with pytest.raises(ModelError, match="not by athlete_id, day"):
        ModelGraph.load(tmp_path)
