"""warehouse.transaction: the loaders' one way to write several statements all or nothing."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.warehouse import transaction


def test_a_block_that_ends_is_committed() -> None:
    con = duckdb.connect()
    con.sql("create table t (x integer)")
    with transaction(con):
        con.sql("insert into t values (1)")
    assert con.sql("select x from t").fetchall() == [(1,)]


def test_a_block_that_raises_leaves_nothing_and_the_error_goes_on() -> None:
    con = duckdb.connect()
    con.sql("create table t (x integer)")
    with pytest.raises(RuntimeError, match="half way"), transaction(con):
        con.sql("insert into t values (1)")
        raise RuntimeError("half way")
    assert con.sql("select count(*) from t").fetchall() == [(0,)]
    with transaction(con):  # no transaction left open
        con.sql("insert into t values (2)")
    assert con.sql("select x from t").fetchall() == [(2,)]
