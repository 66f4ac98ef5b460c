"""The methods declaration: every figure sits in a STROBE-SIIS section and names settings that exist."""

from __future__ import annotations

from dataclasses import fields

from pipelines.methods import METHODS, SECTIONS, by_section, method
from pipelines.settings import Thresholds


def test_each_method_is_declared_once_in_a_known_section() -> None:
    keys = [m.key for m in METHODS]
    assert len(keys) == len(set(keys))
    assert {m.section for m in METHODS} <= set(SECTIONS)
    assert list(by_section()) == ["case_definitions", "exposure", "follow_up", "analysis"]
    assert sum(len(group) for group in by_section().values()) == len(METHODS)


def test_every_named_setting_is_a_pipeline_threshold() -> None:
    known = {f.name for f in fields(Thresholds)}
    assert {name for m in METHODS for name in m.settings} <= known


def test_acwr_states_its_seed_and_fitness_its_zero_start() -> None:
    assert "seeded with the first week's mean daily load" in method("acwr").label
    assert "from zero" in method("fitness_fatigue").label
