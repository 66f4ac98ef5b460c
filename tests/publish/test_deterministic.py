"""The models are deterministic: a second run on the same inputs publishes no mart as changed.

A float sum, a bootstrap drawing athletes by position or a fit over unordered rows gives another
answer when the rows arrive in another order, and DuckDB's parallel aggregation and a table's storage
order both vary between runs. The test reloads every loaded table in another storage order (the same
rows, as a parallel load may leave them), runs the real pipeline again with no new file, and asserts
that the partial publish replaced nothing but the check results, which carry the time they were
checked at.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from pipelines.settings import load_settings
from pipelines.transform.club_graph import club_model_graph
from tests.conftest import run_ingest

# ostrc_areas' storage order is the order of club/ostrc_areas.yaml, which mart_ostrc_areas numbers
ORDER_IS_DATA = {"ostrc_areas"}


def _reorder_loaded_tables(warehouse: Path) -> int:
    """Rewrite every loaded table's rows in another order (by a hash of each row); how many tables."""
    sources = club_model_graph().sources - ORDER_IS_DATA
    with duckdb.connect(str(warehouse)) as con:
        tables = [
            name
            for (name,) in con.sql(
                "select table_name from information_schema.tables where table_type = 'BASE TABLE'"
            ).fetchall()
            if name in sources
        ]
        for name in tables:
            con.sql(f'create temp table reordered as select * from "{name}" as t order by hash(t)')  # noqa: S608
            con.sql(f'delete from "{name}"')  # noqa: S608
            con.sql(f'insert into "{name}" select * from reordered')  # noqa: S608
            con.sql("drop table reordered")
    return len(tables)


def test_a_second_run_on_the_same_inputs_publishes_no_mart_as_changed(
    demo_home: Path, tmp_path: Path
) -> None:
    home = tmp_path / "club"
    shutil.copytree(demo_home, home, ignore=shutil.ignore_patterns(".dagster"))
    assert _reorder_loaded_tables(home / "warehouse.duckdb") >= 10

    outcome = run_ingest(load_settings(home))

    assert outcome.success, outcome.blocked_reason
    with duckdb.connect(str(home / "serving.duckdb"), read_only=True) as con:
        generation, replaced = con.sql(
            "select generation, replaced_marts from serving_meta"
        ).fetchall()[0]
    assert generation == 2
    assert replaced == ["mart_check_results"]
