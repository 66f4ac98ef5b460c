"""The dashboard's boundaries: pipelines.settings (and the assessment catalogue's pure checks) is all
it imports of the pipelines, only config.py reads the environment, and every page is a flat script
nothing imports."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import dashboard
import pipelines.methods
import pipelines.settings

DASHBOARD = Path(dashboard.__file__).parent
MODULES = sorted(DASHBOARD.rglob("*.py"))
# The assessment form refuses exactly what the parser rejects by calling the same pure check
# (docs/ASSESSMENTS.md): no dagster, no duckdb, no warehouse behind it. pipelines.methods declares how
# each figure is made, for the Methods page and the captions beside the figures.
SHARED = {"pipelines.settings", "pipelines.parsers.club.assessment_catalog", "pipelines.methods"}


def imported_modules(path: Path) -> set[str]:
    """Every absolute module a file imports (`from pipelines import x` counts as pipelines.x)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module == "pipelines":
                names.update(f"pipelines.{alias.name}" for alias in node.names)
            else:
                names.add(node.module)
    return names


def test_every_dashboard_package_is_scanned() -> None:
    scanned = {path.parent.name for path in MODULES}
    assert {"dashboard", "app_pages", "views", "accounts", "data", "charts"} <= scanned


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(DASHBOARD)))
def test_the_dashboard_imports_only_the_shared_settings_from_pipelines(path: Path) -> None:
    from_pipelines = {name for name in imported_modules(path) if name.split(".")[0] == "pipelines"}
    assert from_pipelines <= SHARED, f"{path} imports {sorted(from_pipelines)}"


@pytest.mark.parametrize(
    "module", [pipelines.settings, pipelines.methods], ids=lambda m: m.__name__
)
def test_the_shared_declarations_import_only_the_standard_library(module) -> None:
    top_level = {name.split(".")[0] for name in imported_modules(Path(module.__file__))}
    assert top_level <= set(sys.stdlib_module_names) | {"__future__"}, sorted(top_level)


def test_only_the_config_module_reads_the_environment() -> None:
    readers = [
        str(path.relative_to(DASHBOARD))
        for path in MODULES
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path)))
        if isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv"}
    ]
    assert set(readers) == {"config.py"}


@pytest.mark.parametrize(
    "path", sorted((DASHBOARD / "app_pages").glob("*.py")), ids=lambda p: p.name
)
def test_every_page_is_a_flat_script(path: Path) -> None:
    tree = ast.parse(path.read_text(), filename=str(path))
    assert not [node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.ClassDef)]
    assert "__name__" not in {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def test_no_module_imports_a_page() -> None:
    importers = [
        str(path.relative_to(DASHBOARD))
        for path in MODULES
        if any(name.startswith("dashboard.app_pages") for name in imported_modules(path))
    ]
    assert not importers, "shared sections belong in dashboard.views"
