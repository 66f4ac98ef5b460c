"""programs.yaml: the shipped program becomes three tables; an invalid file lists every problem."""

from __future__ import annotations

import pytest

from pipelines.parsers.club.exercise_catalog import CATEGORIES
from pipelines.parsers.club.programs import default_programs_yaml, parse_programs
from pipelines.parsers.schemas import ParseError

KNOWN = set(CATEGORIES)


def test_default_program_phases_run_on_from_each_other():
    programs, phases, phase_sets = parse_programs(default_programs_yaml(), KNOWN)
    assert programs.rows() == [("glute_12wk", "Glute strength for runners (12 weeks)", 12)]
    assert phases.rows() == [
        ("glute_12wk", 1, "activation", 1, 4, 2, ["glute_med_min", "glute_max"], 12, 15),
        ("glute_12wk", 2, "strength", 5, 8, 2, ["glute_max", "glute_med_min"], 6, 10),
        ("glute_12wk", 3, "functional", 9, 12, 2, ["single_leg", "glute_max"], 8, 12),
    ]
    assert phase_sets.filter(phase_index=3).rows() == [
        ("glute_12wk", 3, "single_leg", 8),
        ("glute_12wk", 3, "glute_max", 6),
        ("glute_12wk", 3, "foot_ankle", 4),
        ("glute_12wk", 3, "core_mobility", 2),
    ]
    assert phase_sets.height == 3 + 3 + 4


BROKEN = b"""
programs:
  - id: glute_12wk
    name: Glute strength
    phases:
      - name: activation
        weeks: 0
        sessions_per_wek: 2
        required_categories: [glutes]
        sets_per_week: {glute_max: -1}
  - id: glute_12wk
    name: Same id
    phases: []
  - id: hip core
    phases:
      - name: only
        weeks: 4
        sessions_per_week: 2
        required_categories: []
"""


def test_invalid_programs_name_every_problem():
    with pytest.raises(ParseError) as raised:
        parse_programs(BROKEN, KNOWN)
    reason = raised.value.reason
    assert reason.startswith("programs.yaml has 9 problems: ")
    for problem in [
        "program 'glute_12wk' phase 1 'activation' has an unknown key 'sessions_per_wek' "
        "(did you mean 'sessions_per_week'?)",
        "program 'glute_12wk' phase 1 'activation' needs weeks: a whole number from 1",
        "program 'glute_12wk' phase 1 'activation' needs sessions_per_week",
        "program 'glute_12wk' phase 1 'activation' names unknown category glutes",
        "program 'glute_12wk' phase 1 'activation' sets_per_week for glute_max is not a whole number",
        "program 'glute_12wk' has no phases",
        "program 'hip core' needs an id of letters, digits, '-' and '_'",
        "program 'hip core' phase 1 'only' needs required_categories",
        "program id 'glute_12wk' is used twice",
    ]:
        assert problem in reason


def test_unreadable_programs_files_raise():
    with pytest.raises(ParseError, match="not readable YAML"):
        parse_programs(b"programs: [unclosed", KNOWN)
    with pytest.raises(ParseError, match="no 'programs:' list"):
        parse_programs(b"exercises: []", KNOWN)


ONE_PHASE = b"""
programs:
  - id: p
    phases:
      - name: only
        weeks: 4
        sessions_per_week: 2
        required_categories: [glute_max]
"""


def test_a_phase_without_reps_takes_the_default_range_and_bad_ranges_are_named():
    _, phases, _ = parse_programs(ONE_PHASE, KNOWN)
    assert phases.select("rep_range_low", "rep_range_high").rows() == [(8, 12)]
    for bad in (b"[12, 8]", b"[0, 8]", b"[8]", b"eight"):
        with pytest.raises(ParseError, match="phase 1 'only' needs reps as \\[low, high\\]"):
            parse_programs(ONE_PHASE + b"        reps: " + bad + b"\n", KNOWN)
