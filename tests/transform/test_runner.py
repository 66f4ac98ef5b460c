"""Model discovery from sql/ headers and dependency-ordered runs."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from pipelines.settings import Thresholds
from pipelines.transform.runner import ModelError, settings_frame, thresholds_from_settings
from pipelines.transform.statistics import PYTHON_MODELS, PythonModel, discover_models, run_models
from pipelines.warehouse import replace_table
from tests.transform.staging import SQL_ROOT, STAGING_DDL

_READS = re.compile(r"\b(?:FROM|JOIN)\s+([a-z_][a-z0-9_]*)", re.IGNORECASE)
_CTE = re.compile(r"\b([a-z_][a-z0-9_]*)\s+AS\s*\(", re.IGNORECASE)


def write(root: Path, layer: str, name: str, text: str) -> None:
    (root / layer).mkdir(parents=True, exist_ok=True)
    (root / layer / f"{name}.sql").write_text(text)


def test_every_model_declares_exactly_the_tables_it_reads() -> None:
    models = discover_models(SQL_ROOT)
    names = {m.name for m in models} | set(PYTHON_MODELS)
    assert len(names) == len(models) + len(PYTHON_MODELS)
    known = names | set(STAGING_DDL) | {"settings"}
    for model in models:
        body = "\n".join(
            line for line in model.sql.splitlines() if not line.lstrip().startswith("--")
        )
        reads = set(_READS.findall(body)) - set(_CTE.findall(body))
        assert reads == set(model.depends_on), f"{model.name}: reads {sorted(reads)}"
        assert set(model.depends_on) <= known, model.name
        assert model.description.endswith(".") and model.layer in str(model.path)
    for model in PYTHON_MODELS.values():
        assert set(model.depends_on) <= known, model.name


def test_models_run_in_dependency_order(tmp_path: Path) -> None:
    write(
        tmp_path,
        "marts",
        "mart_b",
        "-- mart_b: doubles.\n-- depends_on: int_a\nselect x * 2 as y from int_a\n-- trailing note",
    )
    write(
        tmp_path,
        "intermediate",
        "int_a",
        "-- int_a: a number.\n-- depends_on: \n-- a note\nselect 21 as x;",
    )
    con = duckdb.connect()
    models = discover_models(tmp_path)
    assert [(m.name, m.layer, m.depends_on, m.notes) for m in models] == [
        ("int_a", "intermediate", [], "a note"),
        ("mart_b", "marts", ["int_a"], ""),
    ]
    python = {
        "mart_c": PythonModel(
            "mart_c",
            lambda c, t: c.sql("select y + 1 as z from mart_b").pl(),
            ["mart_b"],
            "plus one",
        ),
    }
    rows = run_models(con, models, python, Thresholds())
    assert list(rows) == ["int_a", "mart_b", "mart_c"]
    assert con.sql("select z from mart_c").fetchall() == [(43,)]


def test_bad_headers_and_graphs_are_explained(tmp_path: Path) -> None:
    write(tmp_path, "marts", "mart_x", "select 1")
    with pytest.raises(ModelError, match="first line must be '-- mart_x:"):
        discover_models(tmp_path)
    write(tmp_path, "marts", "mart_x", "-- mart_x: one.\nselect 1")
    with pytest.raises(ModelError, match="depends_on"):
        discover_models(tmp_path)
    write(tmp_path, "marts", "mart_x", "-- mart_x: one.\n-- depends_on: nowhere\nselect 1")
    write(tmp_path, "staging", "int_y", "-- int_y: misplaced.\n-- depends_on:\nselect 1")
    with pytest.raises(ModelError, match="named stg_"):
        discover_models(tmp_path)
    (tmp_path / "staging" / "int_y.sql").unlink()
    con = duckdb.connect()
    with pytest.raises(ModelError, match="'nowhere', which is neither a model nor a table"):
        run_models(con, discover_models(tmp_path), {})
    write(tmp_path, "marts", "mart_x", "-- mart_x: one.\n-- depends_on: mart_z\nselect 1")
    write(tmp_path, "marts", "mart_z", "-- mart_z: two.\n-- depends_on: mart_x\nselect 1")
    with pytest.raises(ModelError, match="circle"):
        run_models(con, discover_models(tmp_path), {})


def test_python_models_see_the_settings_table() -> None:
    con = duckdb.connect()
    replace_table(con, "settings", settings_frame(Thresholds(acwr_spike=1.2, trend_min_weeks=8)))
    got = thresholds_from_settings(con)
    assert got.acwr_spike == 1.2 and got.trend_min_weeks == 8 and got.adherence_high == 0.84
    with pytest.raises(ModelError, match="no settings table"):
        thresholds_from_settings(duckdb.connect())
