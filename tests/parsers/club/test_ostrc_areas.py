"""club/ostrc_areas.yaml: the shipped default and the problems that make a file unusable."""

from __future__ import annotations

import pytest

from pipelines.parsers.club.ostrc_areas import default_ostrc_areas_yaml, parse_ostrc_areas
from pipelines.parsers.schemas import ParseError


def test_the_default_areas():
    areas = parse_ostrc_areas(default_ostrc_areas_yaml())
    assert areas.rows() == [
        ("hip_groin", "Hip/groin", True),
        ("thigh", "Thigh", True),
        ("knee", "Knee", True),
        ("lower_leg", "Lower leg/Achilles", True),
        ("ankle_foot", "Ankle/foot", True),
        ("lower_back", "Lower back", False),
    ]


def test_lower_limb_defaults_by_code_and_can_be_set():
    areas = parse_ostrc_areas(
        b"areas:\n  - {code: knee, label: Knee}\n  - {code: shoulder, label: Shoulder}\n"
        b"  - {code: hip, label: Hip, lower_limb: true}\n"
    )
    assert areas["lower_limb"].to_list() == [True, False, True]
    with pytest.raises(ParseError, match="area 1 lower_limb 'maybe' is not true or false"):
        parse_ostrc_areas(b"areas:\n  - {code: foot, label: Foot, lower_limb: maybe}\n")


def test_every_problem_is_named():
    with pytest.raises(ParseError) as error:
        parse_ostrc_areas(
            b"areas:\n"
            b"  - code: all\n    label: Everything\n"
            b"  - code: Knee\n    label: Knee\n"
            b"  - code: calf\n"
            b"  - code: shin\n    label: Shin\n    side: left\n"
        )
    assert error.value.reason == (
        "ostrc_areas.yaml has 4 problems: area 1 code 'all' is reserved for answers about the whole "
        "body; area 2 code 'Knee' is not a lowercase code (letters, digits and _, e.g. lower_leg); "
        "area 3 has no label; area 4 has an unknown key 'side' (allowed: code, label, lower_limb)"
    )


def test_a_code_used_twice():
    with pytest.raises(ParseError, match="area code 'knee' is used twice"):
        parse_ostrc_areas(b"areas:\n  - {code: knee, label: Knee}\n  - {code: knee, label: K}\n")
