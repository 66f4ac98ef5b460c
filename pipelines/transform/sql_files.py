"""SQL files as this project writes them: a title line, notes, one SELECT whose inputs sqlglot finds."""

from __future__ import annotations

import re
from pathlib import Path

import sqlglot
import sqlglot.expressions as exp

_TITLE = re.compile(r"^--\s*([a-z0-9_]+):\s*(.+?)\s*$")


class ModelError(Exception):
    """A model that cannot be read or run, with what is wrong and what to do about it."""


def sql_inputs(sql: str, where: Path | str = "SQL") -> list[str]:
    """The tables a SELECT reads: every table it names that is not one of its own CTEs."""
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except sqlglot.errors.ParseError as error:
        raise ModelError(
            f"{where}: the SQL does not parse ({error}); fix the statement."
        ) from error
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    return sorted({t.name for t in tree.find_all(exp.Table) if t.name and t.name not in ctes})


def read_title(path: Path) -> tuple[str, str, str]:
    """(text, description, notes) of a SQL file whose first line is `-- <stem>: <description>`."""
    text = path.read_text()
    lines = text.splitlines()
    title = _TITLE.match(lines[0]) if lines else None
    if not title or title.group(1) != path.stem:
        raise ModelError(
            f"{path}: the first line must be '-- {path.stem}: <one sentence on what it is>'."
        )
    notes = []
    for line in lines[1:]:
        if not line.startswith("--"):
            break
        notes.append(line.removeprefix("--").strip())
    return text, title.group(2), " ".join(notes)
