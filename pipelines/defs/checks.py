"""Asset checks from sql/checks/*.sql: each file selects the offending rows; none means it passes.

Staging checks are ERROR and blocking (bad staging data stops the models and publication);
mart checks are WARN. Every outcome is also written to `check_results` for the Data health page.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from pipelines.defs.lineage import producer_keys
from pipelines.defs.resources import Warehouse
from pipelines.settings import SQL_ROOT
from pipelines.warehouse import append_rows, table_exists

_HEADER = re.compile(r"^--\s*(check|asset|severity|description):\s*(.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class SqlCheck:
    """One check: the table it guards, how serious a failure is, and the SQL finding offenders."""

    name: str
    table: str
    severity: str
    description: str
    sql: str


def discover_checks(root: Path = SQL_ROOT / "checks") -> list[SqlCheck]:
    """Every check file under sql/checks, read from its header comment."""
    checks = []
    for path in sorted(root.glob("*.sql")):
        text = path.read_text()
        header = dict(_HEADER.findall(text))
        missing = {"check", "asset", "severity", "description"} - set(header)
        if missing or header["check"] != path.stem or header["severity"] not in ("ERROR", "WARN"):
            raise ValueError(
                f"{path}: the header needs '-- check: {path.stem}', '-- asset: <table>', "
                "'-- severity: ERROR|WARN' and '-- description: ...'"
            )
        checks.append(
            SqlCheck(
                header["check"], header["asset"], header["severity"], header["description"], text
            )
        )
    return checks


def evaluate(con: duckdb.DuckDBPyConnection, check: SqlCheck, run_id: str) -> tuple[bool, int]:
    """Run one check, record it in check_results, and return (passed, offending rows)."""
    offending = con.sql(f"select count(*) from ({check.sql})").fetchall()[0][0]  # noqa: S608
    if table_exists(con, "check_results"):
        con.sql("delete from check_results where check_name = ?", params=[check.name])
    append_rows(
        con,
        "check_results",
        pl.DataFrame(
            {
                "check_name": [check.name],
                "asset": [check.table],
                "severity": [check.severity],
                "passed": [offending == 0],
                "offending_rows": [offending],
                "description": [check.description],
                "checked_at": [datetime.now(UTC)],
                "run_id": [run_id],
            }
        ),
    )
    return offending == 0, offending


def build_asset_checks(models: dict[str, dg.AssetKey]) -> list[dg.AssetChecksDefinition]:
    """One Dagster asset check per check file, attached to the asset that writes its table."""
    return [
        _asset_check(check, producer_keys(check.table, models)[-1]) for check in discover_checks()
    ]


def _asset_check(check: SqlCheck, asset_key: dg.AssetKey) -> dg.AssetChecksDefinition:
    severity = (
        dg.AssetCheckSeverity.ERROR if check.severity == "ERROR" else dg.AssetCheckSeverity.WARN
    )

    @dg.asset_check(
        asset=asset_key,
        name=check.name,
        description=check.description,
        blocking=check.severity == "ERROR",
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connection() as con:
            passed, offending = evaluate(con, check, context.run.run_id)
        return dg.AssetCheckResult(
            passed=passed,
            severity=severity,
            metadata={"offending_rows": offending, "table": check.table},
        )

    return _check
