"""The assessment catalogue: the shipped tests, every check of an entered value, and a bad club copy."""

from __future__ import annotations

import pytest

from pipelines.parsers.club.assessment_catalog import (
    AssessmentCatalog,
    check_body_mass,
    default_assessment_tests_yaml,
)
from pipelines.parsers.schemas import ParseError

CATALOG = AssessmentCatalog.default()


def test_the_shipped_catalogue_has_the_contract_tests_and_derived_measures() -> None:
    tests = {m.test for m in CATALOG.measures}
    assert tests == {
        "single_leg_squat",
        "trendelenburg",
        "running_video",
        "hip_abduction_hhd",
        "side_bridge",
        "single_leg_bridge",
        "single_hop",
        "triple_hop",
        "y_balance",
    }
    force = CATALOG.measure("hip_abduction_hhd", "force_n")
    assert (force.min, force.max, force.trials, force.combine, force.better) == (
        20.0,
        800.0,
        4,
        "best",
        "higher",
    )
    assert (force.real_change, force.real_change_unit) == (5.0, "pct")
    fppa = CATALOG.measure("single_leg_squat", "fppa_deg")
    assert (fppa.trials, fppa.combine, fppa.real_change_unit, fppa.optional) == (
        3,
        "mean",
        "abs",
        True,
    )
    assert CATALOG.measure("single_leg_squat", "knee").levels == ("good", "fair", "poor")
    derived = {(m.test, m.measure, m.derived_from) for m in CATALOG.measures if m.derived}
    assert ("hip_abduction_hhd", "torque_nm_kg", "force_n") in derived
    assert ("hip_abduction_hhd", "lsi_pct", "torque_nm_kg") in derived
    assert ("y_balance", "composite_pct", "leg_length_cm") in derived
    assert ("single_leg_squat", "good_share", "overall") in derived
    assert {t for t, m, _ in derived if m == "lsi_pct"} == {
        "hip_abduction_hhd",
        "side_bridge",
        "single_leg_bridge",
        "single_hop",
        "triple_hop",
    }


def test_the_catalogue_survives_the_warehouse_table() -> None:
    frame = CATALOG.to_frame()
    assert frame.height == len(CATALOG.measures)
    assert AssessmentCatalog.from_frame(frame) == CATALOG


@pytest.mark.parametrize(
    ("entered", "reason"),
    [
        (("hip_abduction_hhd", "force_n", "left", 1, 182.0), None),
        (("single_leg_squat", "knee", "right", 1, "fair"), None),
        (("y_balance", "leg_length_cm", "left", 1, 90), None),
        (("grip", "force_n", "left", 1, 1.0), "test 'grip' is not in the club's catalogue"),
        (
            ("hip_abduction_hhd", "speed", "left", 1, 1.0),
            "hip_abduction_hhd has no measure 'speed'",
        ),
        (
            ("hip_abduction_hhd", "force_n", "both", 1, 100.0),
            "side 'both' is not one of left, right",
        ),
        (("hip_abduction_hhd", "force_n", "left", 5, 100.0), "trial 5 is not 1 to 4"),
        (("side_bridge", "hold_s", "left", 2, 60.0), "trial 2 is not 1"),
        (("hip_abduction_hhd", "force_n", "left", 1, 900.0), "force_n 900 N is outside 20-800 N"),
        (("hip_abduction_hhd", "force_n", "left", 1, "strong"), "'strong' is not a number"),
        (("hip_abduction_hhd", "force_n", "left", 1, True), "True is not a number"),
        (("single_leg_squat", "knee", "left", 1, "bad"), "'bad' is not one of good, fair, poor"),
        (("hip_abduction_hhd", "torque_nm_kg", "left", 1, 2.0), "is computed from the other"),
    ],
)
def test_check_gives_the_reason_a_value_is_refused(entered: tuple, reason: str | None) -> None:
    found = CATALOG.check(*entered)
    if reason is None:
        assert found is None
    else:
        assert found is not None and reason in found


def hhd(side: str = "left", **drop) -> list[dict]:
    values = {"force_n": 182.0, "lever_arm_m": 0.8, "mode": "break", "position": "side_lying"}
    return [
        {"test": "hip_abduction_hhd", "measure": m, "side": side, "trial": 1, "value": v}
        for m, v in values.items()
        if m not in drop
    ]


def test_a_session_needs_each_required_measure_once_per_trial() -> None:
    assert CATALOG.check_results(hhd() + hhd("right")) is None
    assert CATALOG.check_results(hhd() + hhd()[:1]) == (
        "hip_abduction_hhd force_n left trial 1 is given twice"
    )
    assert CATALOG.check_results(hhd(lever_arm_m=True)) == (
        "hip_abduction_hhd left has no lever_arm_m (only optional measures may be left out)"
    )
    assert CATALOG.check_results([]) == "the session has no results"
    squat = [
        {"test": "single_leg_squat", "measure": m, "side": "left", "trial": 1, "value": "good"}
        for m in ("overall", "trunk", "pelvis", "hip", "knee")
    ]
    assert CATALOG.check_results(squat) is None  # fppa_deg is optional


def test_body_mass_is_30_to_200_kg() -> None:
    assert check_body_mass(62.5) is None
    assert check_body_mass(29.9) == "body_mass_kg 29.9 is not a number of kg from 30 to 200"
    assert check_body_mass(None) is not None


def bad(yaml: str) -> str:
    with pytest.raises(ParseError) as error:
        AssessmentCatalog.load(yaml.encode())
    return error.value.reason


def test_a_bad_club_copy_names_the_test_and_field() -> None:
    reason = bad(
        """
tests:
  - test: grip
    name: Grip
    sided: true
    measures:
      - {measure: force_n, name: Force, unit: N, kind: number, min: 50, max: 10, trials: 3, combine: best}
      - {measure: feel, name: Feel, unit: level, kind: level, levels: [ok]}
      - {measure: hold, name: Hold, unit: minutes, kind: number, min: 0, max: 5, real_change: 5}
      - {measure: hold, name: Hold again, unit: s, kind: number, min: 0, max: 5, trails: 2}
  - test: Grip2
    name: ""
    sided: maybe
    measures: []
"""
    )
    assert reason.startswith("assessment_tests.yaml has ")
    for part in (
        "test 'grip' measure 'force_n' min 50 and max 10 must be numbers, min <= max",
        "test 'grip' measure 'force_n' combine best needs better: higher or lower",
        "test 'grip' measure 'feel' levels must list two or more different ratings",
        "test 'grip' measure 'hold' unit 'minutes' is not one of N, m, kg",
        "test 'grip' measure 'hold' real_change and real_change_unit go together",
        "test 'grip' measure 'hold' has an unknown key 'trails' (did you mean 'trials'?)",
        "test 'grip': measure 'hold' is used twice",
        "test 'Grip2' needs a test code of lowercase letters",
        "test 'Grip2' has no name",
        "test 'Grip2' sided 'maybe' is not true or false",
        "test 'Grip2' has no measures",
    ):
        assert part in reason, part


def test_not_yaml_or_no_tests_list_is_refused() -> None:
    assert "is not readable YAML" in bad("tests: [\n")
    assert "has no 'tests:' list" in bad("measures: []\n")


def test_the_shipped_file_cites_its_sources() -> None:
    text = default_assessment_tests_yaml().decode()
    for source in ("Crossley", "Thorborg", "Ramskov", "McGill", "Freckleton", "Bramah"):
        assert source in text
