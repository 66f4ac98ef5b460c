"""Small DuckDB helpers: open a database file, check names, write frames in one batch, one transaction."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
# When and where this warehouse loaded a row (its load clock, the file's path in this home's inbox),
# not what the row holds: a file parsed again into the same rows, or a club home moved, is no change.
LOAD_CONTEXT = frozenset({"loaded_at", "inbox_path"})


def ident(name: str) -> str:
    """A table name checked to be a plain identifier, quoted for SQL (identifiers cannot be bound)."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a plain table name: {name!r}")
    return f'"{name}"'


@contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection closed on exit (DuckDB allows one writing process per file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One transaction: committed when the block ends, rolled back when it raises (and re-raised)."""
    con.sql("begin transaction")
    try:
        yield con
        con.sql("commit")
    except BaseException:
        con.sql("rollback")
        raise


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether a table or view of that name exists in the main schema."""
    rows = con.sql(
        "select count(*) from information_schema.tables where table_name = ?", params=[name]
    ).fetchall()
    return rows[0][0] > 0


def table_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Every table and view with its columns in order, in one query: a question per table cost
    about 2 ms each, 0.3 s of a night's model step in all."""
    rows = con.sql(
        "select table_name, column_name from information_schema.columns "
        "order by table_name, ordinal_position"
    ).fetchall()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return columns


def replace_table(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    """Replace table `name` with the frame's rows in one batched statement."""
    con.register("_frame", frame)
    try:
        con.sql(f"create or replace table {ident(name)} as select * from _frame")  # noqa: S608
    finally:
        con.unregister("_frame")


def append_rows(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    """Append the frame to `name` (created from the frame's schema when absent), by column name."""
    if frame.is_empty() and table_exists(con, name):
        return
    con.register("_frame", frame)
    try:
        if table_exists(con, name):
            con.sql(f"insert into {ident(name)} by name select * from _frame")  # noqa: S608
        else:
            con.sql(f"create table {ident(name)} as select * from _frame")  # noqa: S608
    finally:
        con.unregister("_frame")


def table_names(con: duckdb.DuckDBPyConnection, prefix: str) -> list[str]:
    """Tables whose names start with `prefix`, sorted."""
    rows = con.sql(
        "select table_name from information_schema.tables "
        "where table_schema = 'main' and starts_with(table_name, ?) order by 1",
        params=[prefix],
    ).fetchall()
    return [r[0] for r in rows]


def row_hash_sql(columns: Iterable[str], alias: str = "t") -> str:
    """The hash of a row (as `alias`) of these columns that `fingerprint_sql` sums: every column
    but LOAD_CONTEXT."""
    return f"hash({', '.join(f'{alias}.{ident(c)}' for c in columns if c not in LOAD_CONTEXT)})"


def fingerprint_sql(
    con: duckdb.DuckDBPyConnection,
    table: str,
    key: str | None = None,
    through: tuple[str, str] | None = None,
    *,
    week: str | None = None,
    only: str | None = None,
) -> str:
    """A SELECT of the fingerprint of `table`'s content, one row, or one row per `key` value (and
    `week` value: per athlete and week).

    Columns `rows` (the row count) and `fingerprint`: the sum, as a HUGEINT, of the rows' hashes
    over every column but `LOAD_CONTEXT`. The sum never overflows, does not depend on row order
    and, unlike an xor, does not let two identical rows cancel out. Equal fingerprints mean equal
    content. `through` (a table and a column both have) takes `key` (and `week`) from that table:
    a row of `activity_dynamics` counts for its activity's athlete through
    `("activities", "activity_id")`, a row without a match for a null key. `only` names a bound
    parameter, a list of the `key` values whose rows are read.
    """
    row_hash = row_hash_sql(con.table(ident(table)).columns)
    keys = [ident(k) for k in (key, week) if k]
    source = f"{ident(table)} as t"
    if through:
        other, column = through
        # only the other table's rows this one refers to: a small table (running dynamics of a
        # few runs, none at all) does not pay for the keys of every activity in the club
        picked = (
            f"select distinct {ident(column)}, {', '.join(keys)} from {ident(other)} "  # noqa: S608
            f"where {ident(column)} in (select {ident(column)} from {ident(table)})"
        )
        source += f" left join ({picked}) as k using ({ident(column)})"
    owner = "k" if through else "t"
    keyed = "".join(f"{owner}.{k}, " for k in keys)
    where = f" where list_contains(${only}, {owner}.{keys[0]})" if only else ""
    grouped = f" group by {', '.join(f'{owner}.{k}' for k in keys)}" if keys else ""
    return (
        f"select {keyed}count(*) as rows, coalesce(sum({row_hash}::hugeint), 0) as fingerprint "  # noqa: S608
        f"from {source}{where}{grouped}"
    )


def replace_rows(
    con: duckdb.DuckDBPyConnection,
    target: str,
    source: str,
    condition: str,
    params: dict[str, object],
    columns: list[str],
) -> tuple[int, int]:
    """Make the rows of table `target` that meet `condition` (on alias `t`) equal, as a multiset,
    to those of `source` (a table or parenthesised SELECT with the same `columns`) that meet it,
    writing only the rows that differ; returns the change in row count and in the sum of row
    hashes (`fingerprint_sql`'s terms).

    Rows are compared by hash: a hash both sides hold as often is left alone; the rows of the
    others are deleted and inserted. A night that rewrites an athlete's weeks of which one changed
    writes that week's rows, not all of them: fewer deleted rows and a smaller log to checkpoint.
    """
    row_hash = row_hash_sql(columns)
    con.sql(
        "create or replace temp table _sides as select side, h, count(*) as n from ("  # noqa: S608
        f"select 'new' as side, {row_hash} as h from {source} t where {condition} "
        f"union all select 'old', {row_hash} from {ident(target)} t where {condition}) "
        "group by all",
        params=params,
    )
    (rows, total), *_ = con.sql(
        "select coalesce(sum(case side when 'new' then n else -n end), 0), "
        "coalesce(sum(case side when 'new' then n else -n end * h::hugeint), 0) from _sides"
    ).fetchall()
    con.sql(
        "create or replace temp table _differ as "
        "select h from _sides group by h having count(*) = 1 or min(n) <> max(n)"
    )
    if con.sql("select count(*) from _differ").fetchall()[0][0]:
        differs = f"{condition} and {row_hash} in (select h from _differ)"  # noqa: S608
        con.sql(f"delete from {ident(target)} t where {differs}", params=params)  # noqa: S608
        con.sql(
            f"insert into {ident(target)} by name select * from {source} t where {differs}",  # noqa: S608
            params=params,
        )
    con.sql("drop table _sides; drop table _differ")
    return rows, total
