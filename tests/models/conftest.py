"""A fresh warehouse file per test with empty staging tables and default settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.models.staging import create_staging


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A real DuckDB file holding the staging tables (empty) and the settings row."""
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    create_staging(con)
    yield con
    con.close()
