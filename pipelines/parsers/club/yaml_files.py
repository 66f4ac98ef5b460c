"""The coach's YAML files (programs.yaml, exercises.yaml): their top-level list, and every problem in one error."""

from __future__ import annotations

import difflib

import yaml

from pipelines.parsers.schemas import ParseError


def yaml_list(yaml_bytes: bytes, file_name: str, key: str, item: str) -> list:
    """The non-empty list under `key` (one `- id: ...` block per `item`), or a ParseError saying why not."""
    try:
        document = yaml.safe_load(yaml_bytes.decode("utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ParseError(
            f"{file_name} is not readable YAML: {error}",
            "fix the indentation or quoting at the place named",
        ) from error
    items = document.get(key) if isinstance(document, dict) else None
    if not isinstance(items, list) or not items:
        raise ParseError(
            f"{file_name} has no '{key}:' list",
            f"start the file with '{key}:' followed by one '- id: ...' block per {item}",
        )
    return items


def used_twice(ids: list[str], label: str) -> list[str]:
    """A problem per id that more than one block uses."""
    return [f"{label} '{i}' is used twice" for i in sorted({i for i in ids if ids.count(i) > 1})]


def raise_problems(file_name: str, problems: list[str], hint: str) -> None:
    """Raise one ParseError listing every problem found in the file; do nothing when there are none."""
    if problems:
        raise ParseError(
            f"{file_name} has {len(problems)} problem{'s' if len(problems) > 1 else ''}: "
            + "; ".join(problems),
            hint,
        )


def unknown_keys(raw: dict, allowed: tuple[str, ...], where: str) -> list[str]:
    """A problem per key that is not allowed, with the nearest allowed key as a suggestion."""
    problems = []
    for key in raw:
        if key not in allowed:
            near = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else f" (allowed: {', '.join(allowed)})"
            problems.append(f"{where} has an unknown key '{key}'{hint}")
    return problems
