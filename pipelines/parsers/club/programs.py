"""club/programs.yaml: the strength programs, their phases and what each phase prescribes.

An invalid file raises one ParseError listing every problem (unknown keys included, so a typo never
silently changes a prescription); phases are numbered from 1 and their weeks run on from each other.
"""

from __future__ import annotations

import re
from importlib.resources import files

import polars as pl

from pipelines.parsers.club.yaml_files import raise_problems, unknown_keys, used_twice, yaml_list

PROGRAM_KEYS = ("id", "name", "phases")
PHASE_KEYS = (
    "name", "weeks", "sessions_per_week", "required_categories", "sets_per_week", "reps",
)  # fmt: skip
MAX_SESSIONS_PER_WEEK = 14
# The prescribed rep range of a phase without `reps:` (double progression: add load once every
# working set reaches the top of the range at RPE 8 or below).
DEFAULT_REP_RANGE = (8, 12)
MAX_REPS = 100
PROGRAM_SCHEMA = {"program_id": pl.String, "name": pl.String, "total_weeks": pl.Int32}
PHASE_SCHEMA = {
    "program_id": pl.String,
    "phase_index": pl.Int32,
    "phase_name": pl.String,
    "first_week": pl.Int32,
    "last_week": pl.Int32,
    "sessions_per_week": pl.Int32,
    "required_categories": pl.List(pl.String),
    "rep_range_low": pl.Int32,
    "rep_range_high": pl.Int32,
}
PHASE_SET_SCHEMA = {
    "program_id": pl.String,
    "phase_index": pl.Int32,
    "category": pl.String,
    "sets_per_week": pl.Int32,
}


def default_programs_yaml() -> bytes:
    """The programs shipped with StrongStride, copied to club/programs.yaml on first run."""
    return (files("pipelines") / "club_defaults" / "programs.yaml").read_bytes()


def _whole(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _rep_range_problems(reps: object, where: str) -> list[str]:
    """What is wrong with a phase's `reps: [low, high]` (absent is fine: DEFAULT_REP_RANGE)."""
    if reps is None:
        return []
    if (
        isinstance(reps, list)
        and len(reps) == 2
        and all(_whole(r, 1, MAX_REPS) for r in reps)
        and reps[0] <= reps[1]
    ):
        return []
    return [f"{where} needs reps as [low, high]: whole numbers from 1 to {MAX_REPS}, low <= high"]


def _phase_problems(phase: object, where: str, categories: set[str]) -> list[str]:
    """What is wrong with one phase."""
    if not isinstance(phase, dict):
        return [f"{where} is not a mapping with {', '.join(PHASE_KEYS)}"]
    problems = unknown_keys(phase, PHASE_KEYS, where)
    if not phase.get("name"):
        problems.append(f"{where} has no name")
    if not _whole(phase.get("weeks"), 1, 104):
        problems.append(f"{where} needs weeks: a whole number from 1")
    if not _whole(phase.get("sessions_per_week"), 1, MAX_SESSIONS_PER_WEEK):
        problems.append(
            f"{where} needs sessions_per_week: a whole number from 1 to {MAX_SESSIONS_PER_WEEK}"
        )
    required = phase.get("required_categories")
    if not isinstance(required, list) or not required:
        problems.append(
            f"{where} needs required_categories: a list such as [glute_med_min, glute_max]"
        )
        required = []
    sets = phase.get("sets_per_week") or {}
    if not isinstance(sets, dict):
        problems.append(f"{where} has sets_per_week that is not a mapping such as {{glute_max: 6}}")
        sets = {}
    unknown = sorted({str(c) for c in [*required, *sets]} - categories)
    if unknown:
        problems.append(
            f"{where} names unknown categor{'ies' if len(unknown) > 1 else 'y'} {', '.join(unknown)} "
            f"(known: {', '.join(sorted(categories))})"
        )
    problems += _rep_range_problems(phase.get("reps"), where)
    problems += [
        f"{where} sets_per_week for {category} is not a whole number from 0"
        for category, count in sets.items()
        if not _whole(count, 0, 500)
    ]
    return problems


def _program_problems(program: object, index: int, categories: set[str]) -> list[str]:
    """What is wrong with one program and its phases."""
    if not isinstance(program, dict):
        return [f"program #{index + 1} is not a mapping with id, name, phases"]
    program_id = str(program.get("id") or "")
    where = f"program '{program_id}'" if program_id else f"program #{index + 1}"
    problems = unknown_keys(program, PROGRAM_KEYS, where)
    if not re.match(r"^[A-Za-z0-9_-]+$", program_id):
        problems.append(
            f"{where} needs an id of letters, digits, '-' and '_' (enrolments.csv uses it)"
        )
    phases = program.get("phases")
    if not isinstance(phases, list) or not phases:
        return [*problems, f"{where} has no phases"]
    for number, phase in enumerate(phases, start=1):
        name = phase.get("name") if isinstance(phase, dict) else None
        label = f"{where} phase {number}" + (f" '{name}'" if name else "")
        problems += _phase_problems(phase, label, categories)
    return problems


def parse_programs(
    yaml_bytes: bytes, catalog_categories: set[str]
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """programs.yaml as the programs, program_phases and program_phase_sets tables."""
    programs = yaml_list(yaml_bytes, "programs.yaml", "programs", "program")
    problems = [
        p
        for i, program in enumerate(programs)
        for p in _program_problems(program, i, catalog_categories)
    ]
    ids = [str(program.get("id")) for program in programs if isinstance(program, dict)]
    problems += used_twice(ids, "program id")
    raise_problems(
        "programs.yaml",
        problems,
        "fix them in club/programs.yaml; adherence is not computed until it is valid",
    )
    program_rows, phase_rows, set_rows = [], [], []
    for program in programs:
        program_id, first_week = str(program["id"]), 1
        for index, phase in enumerate(program["phases"], start=1):
            last_week = first_week + phase["weeks"] - 1
            phase_rows.append(
                (
                    program_id,
                    index,
                    str(phase["name"]),
                    first_week,
                    last_week,
                    phase["sessions_per_week"],
                    [str(c) for c in dict.fromkeys(phase["required_categories"])],
                    *(phase.get("reps") or DEFAULT_REP_RANGE),
                )
            )
            set_rows += [
                (program_id, index, str(c), n)
                for c, n in (phase.get("sets_per_week") or {}).items()
            ]
            first_week = last_week + 1
        program_rows.append((program_id, str(program.get("name") or program_id), first_week - 1))
    return (
        pl.DataFrame(program_rows, schema=PROGRAM_SCHEMA, orient="row"),
        pl.DataFrame(phase_rows, schema=PHASE_SCHEMA, orient="row"),
        pl.DataFrame(set_rows, schema=PHASE_SET_SCHEMA, orient="row"),
    )
