"""Stage 6, publish: the marts copied into a fresh serving file that atomically replaces the last one.

The dashboard opens only this file, read-only: DuckDB lets one process hold the warehouse for
writing and blocks every other process from opening it, so the two never share a file.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from pipelines.settings import SQL_ROOT
from pipelines.transform.runner import read_model, run_sql_model
from pipelines.warehouse import connect, ident, replace_table, table_exists, table_names

SERVING_PREFIX = "mart_"
CHECK_RESULTS_MART = SQL_ROOT / "publish" / "mart_check_results.sql"


def failed_blocking_checks(con: duckdb.DuckDBPyConnection) -> str | None:
    """A readable reason naming each failed ERROR check, or None when all passed."""
    if not table_exists(con, "check_results"):
        return None
    rows = con.sql(
        "select check_name, asset, offending_rows from check_results "
        "where severity = 'ERROR' and not passed order by check_name"
    ).fetchall()
    if not rows:
        return None
    return "; ".join(f"check {n} failed on {a} ({k} offending rows)" for n, a, k in rows)


def publish_serving(
    warehouse_path: Path, serving_path: Path, run_id: str, run_failure: str | None = None
) -> tuple[int, str | None]:
    """Refresh mart_check_results, then publish, or keep the last good marts when blocked.

    Publication is blocked by a failed ERROR check, or by `run_failure` (a run that did not finish).
    """
    with duckdb.connect(str(warehouse_path)) as con:
        if table_exists(con, "check_results"):
            run_sql_model(con, read_model(CHECK_RESULTS_MART, "publish"))
        reason = failed_blocking_checks(con) or run_failure
    return publish(warehouse_path, serving_path, run_id, blocked_reason=reason), reason


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
