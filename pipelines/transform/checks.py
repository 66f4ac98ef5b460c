"""Data checks: each selects the offending rows of one table; none means it passes.

Business rules are hand-written in sql/checks/<name>.sql (first line `-- <name>: what it checks.`);
key and required-column checks are generated from the staging tables' declarations
(pipelines/ingest/tables.py). The table a check guards is derived from its SQL. Checks on loaded
(staging) tables are ERROR and blocking: bad staging data stops what reads it and publication;
checks on marts are WARN. Every outcome is also written to `check_results` for the Data health page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from pipelines.ingest.tables import CHECK_RESULTS, key_checks
from pipelines.settings import SQL_ROOT
from pipelines.transform.sql_files import ModelError, read_title, sql_inputs
from pipelines.warehouse import append_rows, ident, table_exists

MART_PREFIX = "mart_"


@dataclass(frozen=True)
class SqlCheck:
    """One check: the table it guards, how serious a failure is, and the SQL finding offenders."""

    name: str
    table: str
    description: str
    sql: str
    # the check over the rows that can break it after a night that changed some athletes' rows
    # (bound: $athletes, $with_none), when every row passed at the last complete build
    changed_sql: str | None = None

    @property
    def severity(self) -> str:
        """WARN on a mart, ERROR (blocking) on anything the pipeline loaded."""
        return "WARN" if self.table.startswith(MART_PREFIX) else "ERROR"


def read_check(path: Path) -> SqlCheck:
    """One check file: its title line, and the one table its SQL reads."""
    text, description, _ = read_title(path)
    tables = sql_inputs(text, path)
    if len(tables) != 1:
        raise ModelError(
            f"{path}: a check reads exactly one table, this one reads {tables or 'none'}; "
            "split it into one check per table."
        )
    return SqlCheck(path.stem, tables[0], description, text.strip().rstrip(";"))


def discover_checks(root: Path = SQL_ROOT / "checks") -> list[SqlCheck]:
    """The generated key checks, then every hand-written check under `root`, by name."""
    generated = [
        SqlCheck(c.name, c.table, c.description, c.sql, c.changed_sql) for c in key_checks()
    ]
    return generated + [read_check(path) for path in sorted(root.glob("*.sql"))]


def offending_rows(
    con: duckdb.DuckDBPyConnection,
    check: SqlCheck,
    changed: frozenset[str | None] | None = None,
) -> int:
    """How many rows the check finds wrong; 0 means it passes. `changed`: the athletes whose rows
    changed since a complete build whose checks all passed (the check's `changed_sql` then finds
    the same rows, reading less)."""
    if changed is None or check.changed_sql is None:
        return con.sql(f"select count(*) from ({check.sql})").fetchall()[0][0]  # noqa: S608
    params = {"athletes": sorted(a for a in changed if a is not None), "with_none": None in changed}
    return con.sql(f"select count(*) from ({check.changed_sql})", params=params).fetchall()[0][0]  # noqa: S608


def record_results(
    con: duckdb.DuckDBPyConnection, outcomes: list[tuple[SqlCheck, int]], run_id: str
) -> None:
    """Replace these checks' rows in `check_results` with their latest outcomes, in one batch."""
    if not outcomes:
        return
    names = [check.name for check, _ in outcomes]
    if table_exists(con, CHECK_RESULTS.name):
        con.sql(
            f"delete from {ident(CHECK_RESULTS.name)} where list_contains(?, check_name)",  # noqa: S608
            params=[names],
        )
    now = datetime.now(UTC)
    append_rows(
        con,
        CHECK_RESULTS.name,
        pl.DataFrame(
            {
                "check_name": names,
                "asset": [check.table for check, _ in outcomes],
                "severity": [check.severity for check, _ in outcomes],
                "passed": [offending == 0 for _, offending in outcomes],
                "offending_rows": [offending for _, offending in outcomes],
                "description": [check.description for check, _ in outcomes],
                "checked_at": [now] * len(outcomes),
                "run_id": [run_id] * len(outcomes),
            },
            schema=CHECK_RESULTS.schema,
        ),
    )
