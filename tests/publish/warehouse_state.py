"""Compare whole warehouses: every table's rows, ignoring only the times at which things happened."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from pipelines.transform.journal import JOURNAL

WALL_CLOCK_COLUMNS = {
    "received_at",
    "recorded_at",
    "loaded_at",
    "checked_at",
    "seen_at",
    "run_id",
    "published_at",
    "as_of_run",
    "fingerprint",  # model_build_athletes: its hashes cover the files' received_at
}
RUN_BOOKKEEPING = {
    "inbox_seen",
    "inbox_folders",
    "inbox_sweeps",
    "check_results",
    "mart_check_results",
    JOURNAL,  # a row per build of the models, each with its own uuid
}


def table_contents(path: Path) -> dict[str, pl.DataFrame]:
    """Every table of a DuckDB file as a frame sorted on all its columns, wall-clock columns dropped."""
    contents = {}
    with duckdb.connect(str(path), read_only=True) as con:
        names = [
            r[0] for r in con.sql("select table_name from information_schema.tables").fetchall()
        ]
        for name in sorted(set(names) - RUN_BOOKKEEPING):
            frame = con.sql(f'select * from "{name}"').pl()  # noqa: S608
            frame = frame.drop([c for c in frame.columns if c in WALL_CLOCK_COLUMNS])
            sortable = [
                c for c, t in frame.schema.items() if not isinstance(t, (pl.List, pl.Struct))
            ]
            contents[name] = frame.sort(sortable, nulls_last=True) if sortable else frame
    return contents


def assert_same_tables(before: dict[str, pl.DataFrame], after: dict[str, pl.DataFrame]) -> None:
    """The same tables with the same rows."""
    assert sorted(before) == sorted(after)
    for name in before:
        assert before[name].equals(after[name]), f"table {name} changed"
