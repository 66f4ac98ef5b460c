"""Publication: the marts copied into a fresh serving file that atomically replaces the last one."""

from pathlib import Path

import dagster as dg
import duckdb

from pipelines.defs.resources import ServingFile, Warehouse
from pipelines.models.runner import read_model, run_sql_model
from pipelines.settings import SQL_ROOT
from pipelines.warehouse import publish, table_exists

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


def build_publish_asset(mart_keys: list[dg.AssetKey]) -> dg.AssetsDefinition:
    """The serving-file asset, downstream of every mart."""

    @dg.asset(
        key="serving_file",
        group_name="publish",
        deps=mart_keys,
        description="serving.duckdb: every mart, swapped in atomically for the dashboard to read.",
    )
    def serving_file(
        context: dg.AssetExecutionContext, warehouse: Warehouse, serving: ServingFile
    ) -> dg.MaterializeResult:
        generation, reason = publish_serving(
            Path(warehouse.path), Path(serving.path), context.run.run_id
        )
        if reason:
            context.log.warning(f"publication blocked, previous data kept: {reason}")
        return dg.MaterializeResult(metadata={"generation": generation, "blocked": reason or ""})

    return serving_file
