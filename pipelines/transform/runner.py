"""Find the SQL models under sql/ and run them, with the Python models, in dependency order.

Each `sql/<layer>/<name>.sql` holds one SELECT whose result becomes table `<name>`; its header reads
`-- <name>: what it is.` then `-- depends_on: table_a, table_b`, then optional note lines.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import duckdb
import polars as pl

from pipelines.settings import Thresholds
from pipelines.warehouse import ident, replace_table, table_exists

LAYERS = {"staging": "stg_", "intermediate": "int_", "marts": "mart_"}
_TITLE = re.compile(r"^--\s*([a-z0-9_]+):\s*(.+?)\s*$")
_DEPENDS = re.compile(r"^--\s*depends_on:\s*(.*?)\s*$")


class ModelError(Exception):
    """A model that cannot be read or run, with what is wrong and what to do about it."""


@dataclass(frozen=True)
class SqlModel:
    """One SQL file: the table it builds, its layer, what it reads and what it is."""

    name: str
    layer: str
    path: Path
    sql: str
    depends_on: list[str]
    description: str
    notes: str = ""


@dataclass(frozen=True)
class PythonModel:
    """A table computed in Python (statistics SQL does badly) from tables already built."""

    name: str
    fn: Callable[[duckdb.DuckDBPyConnection, Thresholds], pl.DataFrame]
    depends_on: list[str]
    description: str


def discover_models(sql_root: Path) -> list[SqlModel]:
    """Every model file under sql_root/{staging,intermediate,marts}, parsed from its header."""
    models = []
    for layer, prefix in LAYERS.items():
        for path in sorted((sql_root / layer).glob("*.sql")):
            model = read_model(path, layer)
            if not model.name.startswith(prefix):
                raise ModelError(
                    f"{path}: models in sql/{layer}/ are named {prefix}*; rename the file."
                )
            models.append(model)
    return models


def read_model(path: Path, layer: str) -> SqlModel:
    """One model file, parsed from its header."""
    text = path.read_text()
    lines = text.splitlines()
    title = _TITLE.match(lines[0]) if lines else None
    if not title or title.group(1) != path.stem:
        raise ModelError(
            f"{path}: the first line must be '-- {path.stem}: <one sentence on what it is>'."
        )
    depends = _DEPENDS.match(lines[1]) if len(lines) > 1 else None
    if not depends:
        raise ModelError(f"{path}: the second line must be '-- depends_on: table_a, table_b'.")
    notes = []
    for line in lines[2:]:
        if not line.startswith("--"):
            break
        notes.append(line.removeprefix("--").strip())
    return SqlModel(
        name=path.stem,
        layer=layer,
        path=path,
        sql=text.strip().rstrip(";"),
        depends_on=[d.strip() for d in depends.group(1).split(",") if d.strip()],
        description=title.group(2),
        notes=" ".join(notes),
    )


def run_models(
    con: duckdb.DuckDBPyConnection,
    models: list[SqlModel],
    python_models: Mapping[str, PythonModel],
    thresholds: Thresholds | None = None,
) -> dict[str, int]:
    """Build every model as a table in dependency order; returns the row count of each.

    Python models get `thresholds`, by default read back from the `settings` table so that SQL
    and Python models see the same numbers.
    """
    by_name: dict[str, SqlModel | PythonModel] = {m.name: m for m in models}
    by_name.update(python_models)
    for model in by_name.values():
        for dependency in model.depends_on:
            if dependency not in by_name and not table_exists(con, dependency):
                raise ModelError(
                    f"model {model.name} depends on {dependency!r}, which is neither a model nor a "
                    "table in the warehouse: load the staging tables first or fix its depends_on."
                )
    graph = {name: [d for d in model.depends_on if d in by_name] for name, model in by_name.items()}
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as error:
        raise ModelError(f"models depend on each other in a circle: {error.args[1]}") from error
    if thresholds is None and any(isinstance(by_name[n], PythonModel) for n in order):
        thresholds = thresholds_from_settings(con)
    rows = {}
    for name in order:
        model = by_name[name]
        if isinstance(model, SqlModel):
            run_sql_model(con, model)
        else:
            run_python_model(con, model, thresholds)
        rows[name] = con.sql(f"select count(*) from {ident(name)}").fetchall()[0][0]  # noqa: S608
    return rows


def run_sql_model(con: duckdb.DuckDBPyConnection, model: SqlModel) -> None:
    """Replace `model.name` with its SELECT: a view for staging models, a table for the others.

    Staging models only rename, filter and derive columns of the loaded tables, so as views they
    cost nothing to rebuild each night, however long the club's history.
    """
    kind = "view" if model.layer == "staging" else "table"
    existing = con.sql(
        "select table_type from information_schema.tables "
        "where table_schema = 'main' and table_name = ?",
        params=[model.name],
    ).fetchall()
    if existing and (existing[0][0] == "VIEW") != (kind == "view"):
        other = "view" if existing[0][0] == "VIEW" else "table"
        con.sql(f"drop {other} {ident(model.name)}")
    # the newline keeps a trailing comment line from swallowing anything appended later
    con.sql(f"create or replace {kind} {ident(model.name)} as {model.sql}\n")


def run_python_model(
    con: duckdb.DuckDBPyConnection, model: PythonModel, thresholds: Thresholds
) -> None:
    """Replace table `model.name` with the frame its function returns."""
    replace_table(con, model.name, model.fn(con, thresholds))


def settings_frame(thresholds: Thresholds) -> pl.DataFrame:
    """The one-row `settings` table: a column per Thresholds field."""
    return pl.DataFrame([dataclasses.asdict(thresholds)])


def thresholds_from_settings(con: duckdb.DuckDBPyConnection) -> Thresholds:
    """The Thresholds the pipeline wrote into `settings` (defaults for any column it lacks)."""
    if not table_exists(con, "settings"):
        raise ModelError(
            "the warehouse has no settings table: the pipeline writes it before the models."
        )
    row = con.sql("select * from settings limit 1").pl().to_dicts()
    known = {f.name for f in dataclasses.fields(Thresholds)}
    return Thresholds(**{k: v for k, v in (row[0] if row else {}).items() if k in known})
