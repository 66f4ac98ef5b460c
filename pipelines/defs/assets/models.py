"""A small factory: every sql/<layer>/<name>.sql and every Python statistics model becomes one asset."""

import dagster as dg
import duckdb

from pipelines.defs.lineage import producer_keys
from pipelines.defs.resources import ClubFolder, Warehouse
from pipelines.settings import SQL_ROOT
from pipelines.transform.runner import SqlModel, discover_models, run_python_model, run_sql_model
from pipelines.transform.statistics import PYTHON_MODELS, PythonModel
from pipelines.warehouse import ident


def _layer(name: str) -> str:
    return {"stg": "staging", "int": "intermediate", "mart": "marts"}[name.split("_", 1)[0]]


def model_keys() -> dict[str, dg.AssetKey]:
    """Asset key (layer/name) of every model, SQL or Python."""
    keys = {m.name: dg.AssetKey([m.layer, m.name]) for m in discover_models(SQL_ROOT)}
    keys |= {name: dg.AssetKey([_layer(name), name]) for name in PYTHON_MODELS}
    return keys


def _row_count(con: duckdb.DuckDBPyConnection, name: str) -> int:
    return con.sql(f"select count(*) from {ident(name)}").fetchall()[0][0]  # noqa: S608


def _sql_asset(model: SqlModel, keys: dict[str, dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        key=keys[model.name],
        group_name=model.layer,
        deps=[k for table in model.depends_on for k in producer_keys(table, keys)],
        description=model.description,
        metadata={"sql": dg.MetadataValue.md(f"```sql\n{model.sql}\n```")},
        kinds={"duckdb", "sql"},
    )
    def _asset(warehouse: Warehouse) -> dg.MaterializeResult:
        # one connection per step: opening the warehouse and checkpointing it on close is most
        # of a small model's time
        with warehouse.connection() as con:
            run_sql_model(con, model)
            rows = _row_count(con, model.name)
        return dg.MaterializeResult(metadata={"rows": rows})

    return _asset


def _python_asset(model: PythonModel, keys: dict[str, dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        key=keys[model.name],
        group_name=_layer(model.name),
        deps=[k for table in model.depends_on for k in producer_keys(table, keys)],
        description=model.description,
        kinds={"duckdb", "python"},
    )
    def _asset(club: ClubFolder, warehouse: Warehouse) -> dg.MaterializeResult:
        with warehouse.connection() as con:
            run_python_model(con, model, club.settings.thresholds)
            rows = _row_count(con, model.name)
        return dg.MaterializeResult(metadata={"rows": rows})

    return _asset


def build_model_assets() -> list[dg.AssetsDefinition]:
    """One asset per model, wired to the tables it reads."""
    keys = model_keys()
    return [_sql_asset(m, keys) for m in discover_models(SQL_ROOT)] + [
        _python_asset(m, keys) for m in PYTHON_MODELS.values()
    ]
