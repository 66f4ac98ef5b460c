"""Partial publication: only the marts whose content changed are rewritten, the rest kept as copied."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

import pipelines.publish.serving as serving_module
from pipelines.publish.serving import mart_fingerprints, publish
from tests.publish.warehouse_state import table_contents

MARTS = {
    "mart_a": "select range as id, range * 2 as twice from range(3)",
    "mart_b": "select 'x' as name, 1.5 as value",
    "mart_c": "select [1, 2] as list, {'k': 'v'} as pair",
    "mart_check_results": "select 'a_check' as check_name, true as passed",
}


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """A warehouse holding four small marts and the files and settings tables publish reads."""
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        for name, sql in MARTS.items():
            con.sql(f"create table {name} as {sql}")
        con.sql("create table files as select 'f1' as sha256")
        con.sql("create table settings as select 7 as acute_days")
        con.sql("create table int_not_published as select 1 as x")
    return path


def _sql(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path)) as con:
        return con.sql(sql).fetchall()


def _meta(serving: Path) -> tuple[int, list[str], dict[str, str]]:
    (generation, replaced, fingerprints), *_ = _sql(
        serving, "select generation, replaced_marts, mart_fingerprints from serving_meta"
    )
    return generation, replaced, json.loads(fingerprints)


def test_a_second_publish_rewrites_only_the_mart_that_changed(
    warehouse: Path, tmp_path: Path
) -> None:
    serving = tmp_path / "serving.duckdb"
    first = publish(warehouse, serving, "run-1")
    assert first.generation == 1
    assert first.replaced == ("mart_a", "mart_b", "mart_c", "mart_check_results")
    before = table_contents(serving)

    _sql(warehouse, "update mart_b set value = 2.5")
    second = publish(warehouse, serving, "run-2")

    assert second.generation == 2 and second.replaced == ("mart_b",)
    generation, replaced, fingerprints = _meta(serving)
    assert (generation, replaced) == (2, ["mart_b"])
    assert sorted(fingerprints) == ["mart_a", "mart_b", "mart_c", "mart_check_results"]
    after = table_contents(serving)
    for name in ("mart_a", "mart_c"):
        assert after[name].equals(before[name])
    assert _sql(serving, "select name, value from mart_b") == [("x", 2.5)]
    assert publish(warehouse, serving, "run-3").replaced == ()
    # readers open serving.duckdb, pointed at the two generation files in turn
    assert sorted(p.name for p in tmp_path.glob("serving*")) == [
        "serving-a.duckdb",
        "serving-b.duckdb",
        "serving.duckdb",
    ]
    assert os.readlink(serving) == "serving-a.duckdb"


def test_a_mart_dropped_from_the_warehouse_leaves_the_serving_file(
    warehouse: Path, tmp_path: Path
) -> None:
    serving = tmp_path / "serving.duckdb"
    publish(warehouse, serving, "run-1")
    _sql(warehouse, "drop table mart_c")

    assert publish(warehouse, serving, "run-2").replaced == ()

    tables = {r[0] for r in _sql(serving, "select table_name from information_schema.tables")}
    assert tables == {
        "mart_a",
        "mart_b",
        "mart_check_results",
        "serving_meta",
        "serving_athlete_fingerprints",
    }
    assert "mart_c" not in _meta(serving)[2]


def test_a_blocked_publish_replaces_only_the_check_results_and_keeps_the_fingerprints(
    warehouse: Path, tmp_path: Path
) -> None:
    serving = tmp_path / "serving.duckdb"
    publish(warehouse, serving, "run-1")
    _sql(warehouse, "update mart_a set twice = 0; update mart_check_results set passed = false")

    blocked = publish(warehouse, serving, "run-2", blocked_reason="check a_check failed")

    assert blocked.replaced == ("mart_check_results",)
    assert _sql(serving, "select sum(twice) from mart_a") == [(6,)]  # 0 + 2 + 4, the last good
    assert _sql(serving, "select passed from mart_check_results") == [(False,)]
    assert publish(warehouse, serving, "run-3").replaced == ("mart_a",)
    assert _sql(serving, "select sum(twice) from mart_a") == [(0,)]


def test_a_serving_file_without_fingerprints_is_rewritten_whole(
    warehouse: Path, tmp_path: Path
) -> None:
    serving = tmp_path / "serving.duckdb"
    with duckdb.connect(str(serving)) as con:  # as published before fingerprints were recorded
        con.sql("create table mart_gone as select 1 as x")
        con.sql("create table serving_meta as select 4 as generation")

    published = publish(warehouse, serving, "run-1")

    assert published.generation == 5
    assert published.replaced == ("mart_a", "mart_b", "mart_c", "mart_check_results")
    assert "mart_gone" not in {r[0] for r in _sql(serving, "show tables")}


def test_a_fingerprint_ignores_row_order_but_sees_duplicates_names_and_types(
    tmp_path: Path,
) -> None:
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.sql("create table base as select * from (values (1, 'a'), (2, 'b')) t(n, s)")
        con.sql("create table reordered as select * from (values (2, 'b'), (1, 'a')) t(n, s)")
        con.sql("create table duplicated as select * from base union all select * from base")
        con.sql("create table renamed as select n, s as label from base")
        con.sql("create table widened as select n::bigint as n, s from base")
        con.sql("create table twice_a as select * from (values (1, 'a'), (1, 'a')) t(n, s)")
        con.sql("create table twice_b as select * from (values (2, 'b'), (2, 'b')) t(n, s)")
        names = ["base", "reordered", "duplicated", "renamed", "widened", "twice_a", "twice_b"]
        prints = mart_fingerprints(con, names)
    assert prints["reordered"] == prints["base"]
    assert prints["base"].startswith("2:") and prints["duplicated"].startswith("4:")
    assert len({prints[n] for n in names if n != "reordered"}) == 6


def _athlete_rows(path: Path) -> list[tuple]:
    return sorted(_sql(path, "select * from mart_runs"), key=str)


def _published_runs(tmp_path: Path, runs: str) -> tuple[Path, Path]:
    """A warehouse whose one mart, mart_runs, is `runs`, published once: (warehouse, serving)."""
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.sql(f"create table mart_runs as {runs}")
        con.sql("create table files as select 'f1' as sha256")
        con.sql("create table settings as select 7 as acute_days")
    serving = tmp_path / "serving.duckdb"
    publish(warehouse, serving, "run-1")
    return warehouse, serving


def test_a_mart_kept_per_athlete_gets_only_the_changed_athletes_rows(tmp_path: Path) -> None:
    warehouse, serving = _published_runs(
        tmp_path,
        "select 'a' || (i % 400) as athlete_id, i as run, i * 1.5 as km from range(60000) t(i) "
        "union all select null, -1, 0.0",
    )
    # a night: a3 gets a run, a7 loses one, the club's row (no athlete) changes
    _sql(warehouse, "insert into mart_runs values ('a3', 1000, 9.0)")
    _sql(warehouse, "delete from mart_runs where athlete_id = 'a7' and run = 7")
    _sql(warehouse, "update mart_runs set km = 1.0 where athlete_id is null")
    kept = _sql(serving, "select count(*) from mart_runs where athlete_id = 'a1'")

    assert publish(warehouse, serving, "run-2").replaced == ("mart_runs",)

    assert _athlete_rows(serving) == _athlete_rows(warehouse)
    assert _sql(serving, "select count(*) from mart_runs where athlete_id = 'a1'") == kept
    # the unchanged athletes' rows were not rewritten: the changed athletes' 301 rows come last
    last = _sql(serving, "select distinct * from (select athlete_id from mart_runs offset 59700)")
    assert {a for (a,) in last} == {"a3", "a7", None}


def test_a_small_mart_or_one_whose_columns_or_most_rows_changed_is_written_whole(
    tmp_path: Path,
) -> None:
    warehouse, serving = _published_runs(
        tmp_path, "select 'a' || (i % 4) as athlete_id, i as run from range(60000) t(i)"
    )
    _sql(warehouse, "update mart_runs set run = run + 1 where athlete_id <> 'a0'")  # 3 of 4
    publish(warehouse, serving, "run-2")
    assert _sql(serving, "select * from mart_runs") == _sql(warehouse, "select * from mart_runs")
    _sql(warehouse, "alter table mart_runs add column km double default 2.0")
    publish(warehouse, serving, "run-3")
    assert _sql(serving, "select * from mart_runs") == _sql(warehouse, "select * from mart_runs")
    _sql(warehouse, "delete from mart_runs where run >= 100")  # a small mart: one athlete changes
    publish(warehouse, serving, "run-4")
    _sql(warehouse, "update mart_runs set km = 3.0 where run = 1")
    publish(warehouse, serving, "run-5")
    assert _sql(serving, "select * from mart_runs") == _sql(warehouse, "select * from mart_runs")


def test_a_serving_file_without_athlete_fingerprints_gets_the_mart_whole_then_patches(
    tmp_path: Path,
) -> None:
    warehouse, serving = _published_runs(
        tmp_path, "select 'a' || (i % 400) as athlete_id, i as run from range(60000) t(i)"
    )
    _sql(serving, "drop table serving_athlete_fingerprints")  # as published before they were kept
    _sql(warehouse, "insert into mart_runs values ('a3', -3)")

    assert publish(warehouse, serving, "run-2").replaced == ("mart_runs",)
    assert _athlete_rows(serving) == _athlete_rows(warehouse)
    first = _sql(serving, "select athlete_id from mart_runs limit 1")
    assert first == [("a0",)]  # written whole, in the warehouse's order
    # the next generation goes into the file without them: written whole too
    _sql(warehouse, "insert into mart_runs values ('a5', -5)")
    assert publish(warehouse, serving, "run-3").replaced == ("mart_runs",)
    assert _athlete_rows(serving) == _athlete_rows(warehouse)
    assert _sql(serving, "select athlete_id from mart_runs limit 1") == [("a0",)]

    _sql(warehouse, "insert into mart_runs values ('a6', -6)")
    assert publish(warehouse, serving, "run-4").replaced == ("mart_runs",)
    assert _athlete_rows(serving) == _athlete_rows(warehouse)
    last = _sql(serving, "select distinct athlete_id from (select * from mart_runs offset 59701)")
    assert sorted(last) == [("a5",), ("a6",)]  # only the rows changed since run-2's were rewritten
    blocked = publish(warehouse, serving, "run-5", blocked_reason="a check failed")
    assert blocked.replaced == ()
    _sql(warehouse, "delete from mart_runs where run = -3")
    assert publish(warehouse, serving, "run-6").replaced == ("mart_runs",)
    assert _athlete_rows(serving) == _athlete_rows(warehouse)
    _sql(warehouse, "insert into mart_runs values ('a9', -9)")
    assert publish(warehouse, serving, "run-7").replaced == ("mart_runs",)
    assert _athlete_rows(serving) == _athlete_rows(warehouse)
    last = _sql(serving, "select distinct athlete_id from (select * from mart_runs offset 59702)")
    # patched again in the file the blocked night wrote, which kept the fingerprints
    assert sorted(last) == [("a3",), ("a9",)]


READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print("open", flush=True)
sys.stdin.readline()
print(con.sql("select generation, (select value from mart_b) from serving_meta").fetchall())
"""


def test_a_reader_still_on_the_older_file_gets_a_copy_written_instead(
    warehouse: Path, tmp_path: Path
) -> None:
    serving = tmp_path / "serving.duckdb"
    publish(warehouse, serving, "run-1")
    publish(warehouse, serving, "run-2")
    assert os.readlink(serving) == "serving-b.duckdb"
    # a dashboard that has not asked since the last publish is still on the older file
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(tmp_path / "serving-a.duckdb")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert reader.stdout.readline() == "open\n"
    _sql(warehouse, "update mart_b set value = 4.5")

    third = publish(warehouse, serving, "run-3")

    # DuckDB does not let a file be written while another process reads it: the next
    # generation was written into a copy, renamed over the older file's name
    out, _ = reader.communicate("go\n", timeout=30)
    assert out.strip() == "[(1, Decimal('1.5'))]"
    assert (third.generation, third.replaced) == (3, ("mart_b",))
    assert os.readlink(serving) == "serving-a.duckdb"
    assert _sql(serving, "select generation, (select value from mart_b) from serving_meta") == [
        (3, Decimal("4.5"))
    ]


def test_a_write_in_place_that_fails_leaves_that_file_as_it_was(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serving = tmp_path / "serving.duckdb"
    publish(warehouse, serving, "run-1")
    publish(warehouse, serving, "run-2")
    older = tmp_path / "serving-a.duckdb"
    before = table_contents(older)
    _sql(warehouse, "update mart_a set twice = 0; create table mart_d as select 1 as x")

    def full_disk(con: duckdb.DuckDBPyConnection, name: str, frame: object) -> None:
        raise OSError(28, "No space left on device")  # the last write of the transaction

    with monkeypatch.context() as patch:
        patch.setattr(serving_module, "replace_table", full_disk)
        with pytest.raises(OSError, match="No space"):
            publish(warehouse, serving, "run-3")

    assert os.readlink(serving) == "serving-b.duckdb"
    after = table_contents(older)
    assert after.keys() == before.keys()
    assert all(after[n].equals(before[n]) for n in before)
    assert publish(warehouse, serving, "run-3").replaced == ("mart_a", "mart_d")
    assert _sql(serving, "select sum(twice) from mart_a") == [(0,)]


def test_a_damaged_older_file_is_replaced_by_a_copy(warehouse: Path, tmp_path: Path) -> None:
    serving = tmp_path / "serving.duckdb"
    publish(warehouse, serving, "run-1")
    publish(warehouse, serving, "run-2")
    older = tmp_path / "serving-a.duckdb"
    older.write_bytes(older.read_bytes()[: older.stat().st_size // 2])  # cut short
    _sql(warehouse, "update mart_b set value = 6.5")

    third = publish(warehouse, serving, "run-3")

    assert (third.generation, third.replaced) == (3, ("mart_b",))
    assert os.readlink(serving) == "serving-a.duckdb"
    assert _sql(serving, "select name, value from mart_b") == [("x", Decimal("6.5"))]
    assert _sql(serving, "select * from mart_a") == _sql(warehouse, "select * from mart_a")
