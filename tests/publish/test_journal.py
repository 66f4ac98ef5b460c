"""Publishing from the model journal: only the rows a build rewrote are compared, and only those
that differ are written; anything the journal cannot vouch for is compared in full."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.defs.assets.models import model_key
from pipelines.publish.serving import mart_fingerprints, publish
from pipelines.run import run_ingest
from pipelines.settings import load_settings
from pipelines.transform.club_graph import club_model_graph
from pipelines.transform.journal import JOURNAL, KEEP, Region, record_regions, start_build
from pipelines.warehouse import table_names
from tests.transform.test_incremental import NIGHT_ATHLETES, _night_files

RUNS = """select * from (values
    ('a1', date '2026-01-05', 10.0), ('a1', date '2026-01-12', 11.0),
    ('a2', date '2026-01-05', 5.0), ('a2', date '2026-01-12', 5.0), ('a2', date '2026-01-12', 5.0),
    (null, date '2026-01-12', 1.0)
) as t(athlete_id, week_start, km)"""


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """A warehouse with one per-athlete, per-week mart, published once before any build."""
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.sql(f"create table mart_runs as {RUNS}")
        con.sql("create table mart_club as select 1 as clubs")
        con.sql("create table files as select 'f1' as sha256")
        con.sql("create table settings as select 7 as acute_days")
    return path


def _build(warehouse: Path, changes: str, region: Region) -> None:
    """A build of the graph as the runner records it: started, the mart changed, its region."""
    with duckdb.connect(str(warehouse)) as con:
        build = start_build(con)
        con.sql(changes)
        record_regions(con, build, {"mart_runs": region, "mart_club": Region()})


@pytest.fixture
def serving(warehouse: Path, tmp_path: Path) -> Path:
    """The serving file after a first build, compared in full (no build before it to go by)."""
    path = tmp_path / "serving.duckdb"
    _build(warehouse, "select 1", Region())
    first = publish(warehouse, path, "run-1")
    assert set(first.compared_in_full) == {"mart_runs", "mart_club"}
    return path


def _assert_serving_is_the_warehouse(warehouse: Path, serving: Path) -> None:
    """Every mart equal as a multiset of rows, and each published fingerprint that of its rows."""
    with duckdb.connect(str(serving), read_only=True) as con:
        published = json.loads(
            con.sql("select mart_fingerprints from serving_meta").fetchall()[0][0]
        )
        names = table_names(con, "mart_")
        assert published == mart_fingerprints(con, names)
        con.sql(f"attach '{warehouse}' as wh (read_only)")
        for name in names:
            differ = con.sql(
                f"select count(*) from ((from main.{name} except all from wh.{name}) "  # noqa: S608
                f"union all (from wh.{name} except all from main.{name}))"
            ).fetchall()[0][0]
            assert differ == 0, name


def test_a_build_s_region_is_compared_and_only_differing_rows_written(
    warehouse: Path, serving: Path
) -> None:
    # a1's second week changes, one of a2's two identical rows goes, the row of no athlete changes
    _build(
        warehouse,
        "update mart_runs set km = 12.0 where athlete_id = 'a1' and week_start = '2026-01-12';"
        "delete from mart_runs where athlete_id = 'a2' and week_start = '2026-01-12';"
        "insert into mart_runs values ('a2', '2026-01-12', 5.0);"
        "update mart_runs set km = 2.0 where athlete_id is null",
        Region(False, frozenset({"a1", "a2", None})),
    )
    second = publish(warehouse, serving, "run-2")

    assert second.replaced == ("mart_runs",)
    assert second.compared_in_full == ()
    _assert_serving_is_the_warehouse(warehouse, serving)


def test_a_dated_region_covers_every_athlete_s_weeks_from_its_week_on(
    warehouse: Path, serving: Path
) -> None:

    _build(
        warehouse,
        "update mart_runs set km = km + 1 where week_start >= '2026-01-12'",
        Region(False, frozenset(), since=date(2026, 1, 12)),
    )
    _build(warehouse, "update mart_runs set km = 0 where athlete_id = 'a1'", Region(False, {"a1"}))
    published = publish(warehouse, serving, "run-2")  # two builds since the last publication

    assert published.replaced == ("mart_runs",) and published.compared_in_full == ()
    _assert_serving_is_the_warehouse(warehouse, serving)


def test_a_week_region_covers_only_the_weeks_it_lists(warehouse: Path, serving: Path) -> None:

    _build(
        warehouse,
        "update mart_runs set km = 20.0 where athlete_id = 'a1' and week_start = '2026-01-12'",
        Region(weeks=frozenset({("a1", date(2026, 1, 12))})),
    )
    _build(
        warehouse,
        "update mart_runs set km = 6.0 where athlete_id = 'a2' and week_start = '2026-01-05'",
        Region(athletes=frozenset({"a2"}), weeks=frozenset({("a2", date(2026, 1, 12))})),
    )
    published = publish(warehouse, serving, "run-2")

    assert published.replaced == ("mart_runs",) and published.compared_in_full == ()
    _assert_serving_is_the_warehouse(warehouse, serving)


def test_a_build_that_recorded_nothing_makes_every_mart_compared_in_full(
    warehouse: Path, serving: Path
) -> None:

    with duckdb.connect(str(warehouse)) as con:  # a build killed before it recorded its regions
        start_build(con)
        con.sql("update mart_runs set km = 99 where athlete_id = 'a2'")
        con.sql("update mart_club set clubs = 2")
    published = publish(warehouse, serving, "run-2")

    assert set(published.compared_in_full) == {"mart_runs", "mart_club"}
    assert published.replaced == ("mart_club", "mart_runs")
    _assert_serving_is_the_warehouse(warehouse, serving)


def test_a_serving_file_older_than_the_journal_is_compared_in_full(
    warehouse: Path, serving: Path
) -> None:
    for _ in range(KEEP):
        _build(warehouse, "update mart_runs set km = km + 1 where athlete_id = 'a1'", Region())
    with duckdb.connect(str(warehouse), read_only=True) as con:
        oldest = con.sql(f"select min(build) from {JOURNAL}").fetchall()[0][0]  # noqa: S608
        assert oldest == 2

    published = publish(warehouse, serving, "run-2")

    assert set(published.compared_in_full) == {"mart_runs", "mart_club"}
    assert published.replaced == ("mart_runs",)
    _assert_serving_is_the_warehouse(warehouse, serving)


def test_a_night_through_the_pipeline_publishes_from_the_journal(
    demo_home: Path, tmp_path: Path
) -> None:
    """The real pipeline: the marts rebuilt per athlete or kept are published from the journal
    (only the marts rebuilt whole and the check results, written outside the graph, are compared in
    full) and the serving file holds the warehouse's marts exactly."""
    home = tmp_path / "club"
    shutil.copytree(demo_home, home)
    for folder in sorted(p for p in _night_files(tmp_path / "night").iterdir() if p.is_dir()):
        assert folder.name in NIGHT_ATHLETES
        shutil.copytree(folder, home / "inbox" / folder.name, dirs_exist_ok=True)

    with dg.DagsterInstance.ephemeral() as instance:
        outcome = run_ingest(load_settings(home), instance=instance)
        assert outcome.success, outcome.blocked_reason
        metadata = instance.get_latest_materialization_event(
            dg.AssetKey("serving_file")
        ).asset_materialization.metadata
        graph = club_model_graph()
        how = {
            name: instance.get_latest_materialization_event(model_key(model))
            .asset_materialization.metadata["build"]
            .value
            for name, model in graph.models.items()
            if model.layer == "marts"
        }

    kept = {name for name, built in how.items() if built == "kept: nothing it reads changed"}
    # the club's reference marts: no club file changed, so they are kept, published from the journal
    assert {"mart_assessment_catalog", "mart_ostrc_areas"} <= kept
    # the marts not maintained per athlete (the Python ones carried on too), unless kept
    whole = {n for n, m in graph.models.items() if m.layer == "marts" and not m.incremental}
    compared = len(whole - kept) + 1  # + mart_check_results
    assert metadata["marts_compared_in_full"].value == compared
    assert metadata["marts_replaced"].value > 1
    _assert_serving_is_the_warehouse(home / "warehouse.duckdb", home / "serving.duckdb")
    with duckdb.connect(str(home / "serving.duckdb"), read_only=True) as con:
        replaced = con.sql("select replaced_marts from serving_meta").fetchall()[0][0]
    assert "mart_athlete_runs" in replaced
