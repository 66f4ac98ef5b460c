"""The coach's YAML files: the top-level list, repeated ids, and one error listing every problem."""

from __future__ import annotations

import pytest

from pipelines.parsers.club.yaml_files import raise_problems, used_twice, yaml_list
from pipelines.parsers.schemas import ParseError


def test_the_list_under_its_key_is_read_with_or_without_a_bom():
    text = "programs:\n  - id: a\n  - id: b\n"
    assert yaml_list(text.encode(), "programs.yaml", "programs", "program") == [
        {"id": "a"},
        {"id": "b"},
    ]
    assert yaml_list(("\ufeff" + text).encode(), "programs.yaml", "programs", "program")[1] == {
        "id": "b"
    }


@pytest.mark.parametrize("text", ["programs: []\n", "other: [1]\n", "- id: a\n", ""])
def test_a_missing_or_empty_list_says_how_the_file_starts(text: str):
    with pytest.raises(ParseError, match="programs.yaml has no 'programs:' list") as raised:
        yaml_list(text.encode(), "programs.yaml", "programs", "program")
    assert raised.value.hint == (
        "start the file with 'programs:' followed by one '- id: ...' block per program"
    )


def test_ids_used_twice_are_listed_once_each_in_order():
    assert used_twice(["b", "a", "b", "c", "a", "b"], "program id") == [
        "program id 'a' is used twice",
        "program id 'b' is used twice",
    ]
    assert used_twice(["a", "b"], "id") == []


def test_every_problem_goes_into_one_error():
    raise_problems("exercises.yaml", [], "unused")  # nothing wrong: no error
    with pytest.raises(ParseError) as one:
        raise_problems("exercises.yaml", ["x"], "fix it")
    assert (one.value.reason, one.value.hint) == ("exercises.yaml has 1 problem: x", "fix it")
    with pytest.raises(ParseError) as two:
        raise_problems("exercises.yaml", ["x", "y"], "fix it")
    assert two.value.reason == "exercises.yaml has 2 problems: x; y"
