"""A fresh warehouse file per test (empty staging tables, default settings), and a club modelled on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.transform.staging import build_models, create_staging


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A real DuckDB file holding the staging tables (empty) and the settings row."""
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    create_staging(con)
    yield con
    con.close()


@pytest.fixture
def club(
    warehouse: duckdb.DuckDBPyConnection, request: pytest.FixtureRequest
) -> duckdb.DuckDBPyConnection:
    """The warehouse with the test module's SCENARIOS loaded and every model built on them."""
    for load in request.module.SCENARIOS:
        load(warehouse)
    build_models(warehouse)
    return warehouse
