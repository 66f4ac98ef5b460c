"""Small DuckDB helpers: open the warehouse, write frames in one batch, publish the serving file."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

SERVING_PREFIX = "mart_"
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def ident(name: str) -> str:
    """A table name checked to be a plain identifier, quoted for SQL (identifiers cannot be bound)."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a plain table name: {name!r}")
    return f'"{name}"'


@contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection closed on exit (DuckDB allows one writing process per file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        yield con
    finally:
        con.close()


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether a table or view of that name exists in the main schema."""
    rows = con.sql(
        "select count(*) from information_schema.tables where table_name = ?", params=[name]
    ).fetchall()
    return rows[0][0] > 0


def replace_table(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    """Replace table `name` with the frame's rows in one batched statement."""
    con.register("_frame", frame)
    try:
        con.sql(f"create or replace table {ident(name)} as select * from _frame")  # noqa: S608
    finally:
        con.unregister("_frame")


def append_rows(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    """Append the frame to `name` (created from the frame's schema when absent), by column name."""
    if frame.is_empty() and table_exists(con, name):
        return
    con.register("_frame", frame)
    try:
        if table_exists(con, name):
            con.sql(f"insert into {ident(name)} by name select * from _frame")  # noqa: S608
        else:
            con.sql(f"create table {ident(name)} as select * from _frame")  # noqa: S608
    finally:
        con.unregister("_frame")


def table_names(con: duckdb.DuckDBPyConnection, prefix: str) -> list[str]:
    """Tables whose names start with `prefix`, sorted."""
    rows = con.sql(
        "select table_name from information_schema.tables "
        "where table_schema = 'main' and starts_with(table_name, ?) order by 1",
        params=[prefix],
    ).fetchall()
    return [r[0] for r in rows]


def publish(warehouse: Path, serving: Path, run_id: str, blocked_reason: str | None = None) -> int:
    """Copy every mart into a fresh serving file and atomically swap it in; returns the generation.

    When `blocked_reason` is given the previous serving file's marts are kept and only the check
    results and the reason are refreshed, so the dashboard keeps the last good data and can say why.
    A failure (a full disk) leaves the previous serving file as it was and no partial copy behind.
    """
    tmp = serving.with_suffix(".duckdb.tmp")
    try:
        generation = _write_copy(warehouse, serving, tmp, run_id, blocked_reason)
        os.replace(tmp, serving)
    except BaseException:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
        raise
    return generation


def _write_copy(
    warehouse: Path, serving: Path, tmp: Path, run_id: str, blocked_reason: str | None
) -> int:
    """Write the next serving file at `tmp`, flushed to disk; returns its generation."""
    tmp.unlink(missing_ok=True)
    generation = _current_generation(serving) + 1
    if blocked_reason and serving.exists():
        shutil.copyfile(serving, tmp)
        marts: list[str] = ["mart_check_results"]
    else:
        with connect(warehouse, read_only=True) as con:
            marts = table_names(con, SERVING_PREFIX)
    with connect(tmp) as out:
        out.sql("attach ? as wh (read_only)", params=[str(warehouse)])
        for name in marts:
            if name == "mart_check_results" or not blocked_reason:
                out.sql(f"create or replace table {ident(name)} as select * from wh.{ident(name)}")  # noqa: S608
        meta = pl.DataFrame(
            {
                "generation": [generation],
                "published_at": [datetime.now(UTC)],
                "run_id": [run_id],
                "source_files": [out.sql("select count(*) from wh.files").fetchall()[0][0]],
                "settings": [_settings_json(out)],
                "blocked_reason": [blocked_reason],
            },
            schema={
                "generation": pl.Int64,
                "published_at": pl.Datetime("us", "UTC"),
                "run_id": pl.String,
                "source_files": pl.Int64,
                "settings": pl.String,
                "blocked_reason": pl.String,
            },
        )
        out.sql("detach wh")
        replace_table(out, "serving_meta", meta)
        out.sql("checkpoint")
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    return generation


def _settings_json(con: duckdb.DuckDBPyConnection) -> str:
    """The thresholds the models used (the warehouse's one-row `settings` table), as JSON."""
    rows = con.sql("select * from wh.settings").pl().to_dicts()
    return json.dumps(rows[0] if rows else {})


def _current_generation(serving: Path) -> int:
    if not serving.exists():
        return 0
    try:
        with connect(serving, read_only=True) as con:
            return int(con.sql("select max(generation) from serving_meta").fetchall()[0][0] or 0)
    except duckdb.Error:
        return 0
