"""The staging-table declarations: the checks, the doc and the warehouse all follow from them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.ingest.activities import ROW_SCHEMA, ActivityRow
from pipelines.ingest.tables import (
    ACTIVITIES,
    APPENDED,
    DATA_MODEL_DOC,
    STAGING_TABLES,
    STRENGTH_SETS,
    TABLES,
    StagingTable,
    duckdb_types,
    ensure_staging_tables,
    key_checks,
    rewrite_doc,
)
from pipelines.settings import SQL_ROOT, load_settings
from pipelines.transform.checks import read_check
from pipelines.transform.sql_files import sql_inputs
from pipelines.warehouse import append_rows

CHECKED = [table for table in STAGING_TABLES if table.key_check is not None]
SAMPLE_VALUES = {
    pl.String: "x",
    pl.Int8: 1,
    pl.Int32: 1,
    pl.Int64: 1,
    pl.Float64: 1.0,
    pl.Boolean: True,
    pl.Date: date(2026, 1, 5),
    pl.Datetime: datetime(2026, 1, 5, 7, tzinfo=UTC),
    pl.List: ["x"],
}


def test_the_doc_shows_the_declarations() -> None:
    text = DATA_MODEL_DOC.read_text()
    assert rewrite_doc(text) == text, (
        "docs/DATA_MODEL.md is stale: python -m pipelines.ingest.tables"
    )


def test_one_key_check_per_table_with_a_key_check() -> None:
    checks = key_checks()
    assert [c.name for c in checks] == [f"{t.name}_keys" for t in CHECKED]
    # 11, the three app-entry tables, four assessment tables, two running-form tables
    assert len(checks) == 20
    for check in checks:
        assert sql_inputs(check.sql, check.name) == [check.table]
        assert check.sql.startswith(f"-- {check.name}: {check.description}\n")


def _row(table: StagingTable, key: str, blank: str | None = None) -> dict:
    """A row with its key columns set to `key` (or their sample value) and the required columns
    filled, except `blank`."""
    row: dict = dict.fromkeys(table.columns)
    for column in table.not_null:
        dtype = table.columns[column]
        row[column] = (
            key if column in table.key and dtype == pl.String else SAMPLE_VALUES[dtype.base_type()]
        )
    if blank is not None:
        row[blank] = None
    return row


@pytest.mark.parametrize("table", CHECKED, ids=lambda t: t.name)
def test_key_check_flags_duplicates_and_missing_values(table: StagingTable) -> None:
    (check,) = [c for c in key_checks() if c.table == table.name]
    con = duckdb.connect()
    append_rows(con, table.name, table.empty())
    rows = [_row(table, "a"), _row(table, "a"), _row(table, "b", blank=table.not_null[-1])]
    append_rows(con, table.name, pl.DataFrame(rows, schema=table.schema))
    found = con.sql(check.sql)
    assert found.columns == [*table.key, "problem"]
    problems = sorted(row[-1] for row in found.fetchall())
    assert problems == ["duplicate key", "duplicate key", "missing required value"]
    con.sql(f"delete from {table.name}")  # noqa: S608
    append_rows(con, table.name, pl.DataFrame(rows[1:2], schema=table.schema))
    assert con.sql(check.sql).fetchall() == []


def test_loaders_create_the_declared_tables() -> None:
    con = duckdb.connect()
    ensure_staging_tables(con)
    for table in APPENDED:
        have = dict(
            con.sql(
                "select column_name, data_type from information_schema.columns "
                "where table_name = ? order by ordinal_position",
                params=[table.name],
            ).fetchall()
        )
        assert have == duckdb_types(table), table.name


def test_an_older_table_gets_the_columns_declared_since() -> None:
    # A warehouse from before strength sets carried their band: loading must not fail on it.
    con = duckdb.connect()
    old = STRENGTH_SETS.empty().drop("band", "band_level")
    append_rows(con, STRENGTH_SETS.name, old.clear(1))
    ensure_staging_tables(con)
    types = dict(
        con.sql(
            "select column_name, data_type from information_schema.columns "
            "where table_name = 'strength_sets'"
        ).fetchall()
    )
    assert (types["band"], types["band_level"]) == ("VARCHAR", "DOUBLE")
    assert con.sql("select count(*) from strength_sets where band is null").fetchall() == [(1,)]


def test_the_activity_payload_is_the_activities_row() -> None:
    assert set(ActivityRow.__annotations__) == set(ROW_SCHEMA)
    assert set(ACTIVITIES.columns) - set(ROW_SCHEMA) == {"duplicate_of", "loaded_at"}


def test_the_pipeline_writes_exactly_the_declared_tables(demo_home: Path) -> None:
    with duckdb.connect(str(load_settings(demo_home).warehouse), read_only=True) as con:
        for table in STAGING_TABLES:
            have = dict(
                con.sql(
                    "select column_name, data_type from information_schema.columns "
                    "where table_name = ? order by ordinal_position",
                    params=[table.name],
                ).fetchall()
            )
            assert have == duckdb_types(table), table.name


@pytest.mark.parametrize(
    ("check", "table", "bad"),
    [
        (
            "enrolments_dates",
            "enrolments",
            {"start_date": date(2026, 2, 1), "end_date": date(2026, 1, 1)},
        ),
        ("program_phase_sets_nonnegative", "program_phase_sets", {"sets_per_week": -1}),
        ("program_phases_week_order", "program_phases", {"first_week": 5, "last_week": 4}),
    ],
)
def test_business_rules_moved_out_of_the_key_checks(check: str, table: str, bad: dict) -> None:
    declared = TABLES[table]
    rule = read_check(SQL_ROOT / "checks" / f"{check}.sql")
    assert rule.table == table and rule.severity == "ERROR"
    con = duckdb.connect()
    good = _row(declared, "a")
    append_rows(con, table, pl.DataFrame([good, _row(declared, "b") | bad], schema=declared.schema))
    assert len(con.sql(rule.sql).fetchall()) == 1
