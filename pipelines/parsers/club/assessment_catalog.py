"""club/assessment_tests.yaml: the movement and strength tests a club records, and what each allows.

Each test lists its measures (docs/ASSESSMENTS.md): a number within min..max or a level from a list,
per side or once, with a number of trials, how trials combine and the smallest real change. An
invalid file raises one ParseError naming each test and field at fault. The catalogue also holds
the derived measures the models compute (torque, Y-balance composite, limb symmetry, share of sides
rated good) so the marts and the dashboard name and scale them from one place; those are never
entered. `AssessmentCatalog.check` is the one validation of an entered value, called by the
dashboard's form and by the parsers alike.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import polars as pl

from pipelines.parsers.club.yaml_files import raise_problems, unknown_keys, used_twice, yaml_list

FILE = "assessment_tests.yaml"
UNITS = ("N", "m", "kg", "s", "cm", "deg", "reps", "0-10", "level")
KINDS = ("number", "level")
COMBINES = ("best", "mean", "single")
BETTER = ("higher", "lower", "none")
REAL_CHANGE_UNITS = ("pct", "abs")
SIDED = ("left", "right")
UNSIDED = ("both",)
MAX_TRIALS = 10
BODY_MASS_KG = (30.0, 200.0)
TEST_KEYS = ("test", "name", "sided", "measures")
MEASURE_KEYS = (
    "measure",
    "name",
    "unit",
    "kind",
    "min",
    "max",
    "levels",
    "trials",
    "combine",
    "better",
    "real_change",
    "real_change_unit",
    "optional",
)
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
MEASURE_SCHEMA: dict[str, pl.DataType] = {
    "test": pl.String(),
    "test_name": pl.String(),
    "measure": pl.String(),
    "measure_name": pl.String(),
    "unit": pl.String(),
    "kind": pl.String(),
    "min": pl.Float64(),
    "max": pl.Float64(),
    "levels": pl.List(pl.String()),
    "sided": pl.Boolean(),
    "trials": pl.Int32(),
    "combine": pl.String(),
    "better": pl.String(),
    "real_change": pl.Float64(),
    "real_change_unit": pl.String(),
    "optional": pl.Boolean(),
    "derived": pl.Boolean(),
    "derived_from": pl.String(),
    "display_order": pl.Int32(),
}


def default_assessment_tests_yaml() -> bytes:
    """The tests shipped with StrongStride, copied to club/assessment_tests.yaml on first run."""
    return (files("pipelines") / "club_defaults" / FILE).read_bytes()


@dataclass(frozen=True)
class Measure:
    """One thing a test records (or, when `derived`, one the models compute from it)."""

    test: str
    test_name: str
    measure: str
    measure_name: str
    unit: str
    kind: str
    sided: bool
    min: float | None = None
    max: float | None = None
    levels: tuple[str, ...] = ()
    trials: int = 1
    combine: str = "single"
    better: str = "none"
    real_change: float | None = None
    real_change_unit: str | None = None
    optional: bool = False
    derived: bool = False
    derived_from: str | None = None

    @property
    def sides(self) -> tuple[str, ...]:
        """The sides a value may be recorded for."""
        return SIDED if self.sided else UNSIDED

    def problem(self, side: object, trial: object, value: object) -> tuple[str, str] | None:
        """The field at fault (measure, side, trial or value) and why this value cannot be
        recorded, or None when it can."""
        where = f"{self.test} {self.measure}"
        if self.derived:
            return "measure", f"{where} is computed from the other measures, never entered"
        if side not in self.sides:
            return "side", f"{where} side {side!r} is not one of {', '.join(self.sides)}"
        if not _whole(trial) or not 1 <= trial <= self.trials:
            allowed = "1" if self.trials == 1 else f"1 to {self.trials}"
            return "trial", f"{where} trial {trial!r} is not {allowed}"
        if value is None:
            return "value", f"{where} has no value"
        if self.kind == "level":
            if value not in self.levels:
                return "value", f"{where} {value!r} is not one of {', '.join(self.levels)}"
            return None
        if not _number(value):
            return "value", f"{where} {value!r} is not a number"
        if not self.min <= value <= self.max:
            return (
                "value",
                f"{where} {value:g} {self.unit} is outside {self.min:g}-{self.max:g} {self.unit}",
            )
        return None


# (test, measure, name, unit, sided, better, real change, its unit, what it is computed from)
DERIVED = (
    ("hip_abduction_hhd", "torque_nm_kg", "Torque per body mass", "Nm/kg", True, "higher", 5.0, "pct", "force_n"),
    ("y_balance", "composite_pct", "Composite reach", "% of leg length", True, "higher", None, None, "leg_length_cm"),
    ("single_leg_squat", "good_share", "Share of sides rated good overall", "share", False, "higher", None, None, "overall"),
    ("hip_abduction_hhd", "lsi_pct", "Limb symmetry index (weaker / stronger)", "%", False, "higher", None, None, "torque_nm_kg"),
    ("side_bridge", "lsi_pct", "Limb symmetry index (weaker / stronger)", "%", False, "higher", None, None, "hold_s"),
    ("single_leg_bridge", "lsi_pct", "Limb symmetry index (weaker / stronger)", "%", False, "higher", None, None, "reps"),
    ("single_hop", "lsi_pct", "Limb symmetry index (weaker / stronger)", "%", False, "higher", None, None, "distance_cm"),
    ("triple_hop", "lsi_pct", "Limb symmetry index (weaker / stronger)", "%", False, "higher", None, None, "distance_cm"),
)  # fmt: skip


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _choice(raw: dict, key: str, allowed: tuple[str, ...], default: str, where: str) -> list[str]:
    value = raw.get(key, default)
    return (
        [] if value in allowed else [f"{where} {key} {value!r} is not one of {', '.join(allowed)}"]
    )


def _measure_problems(raw: dict, where: str) -> list[str]:
    """What is wrong with one measure's fields (its code and keys are checked by the caller)."""
    problems = []
    if not isinstance(raw.get("name"), str) or not raw["name"].strip():
        problems.append(f"{where} has no name")
    problems += _choice(raw, "unit", UNITS, "", where)
    problems += _choice(raw, "kind", KINDS, "", where)
    problems += _choice(raw, "combine", COMBINES, "single", where)
    problems += _choice(raw, "better", BETTER, "none", where)
    trials, combine = raw.get("trials", 1), raw.get("combine", "single")
    if not _whole(trials) or not 1 <= trials <= MAX_TRIALS:
        problems.append(f"{where} trials {trials!r} is not a whole number from 1 to {MAX_TRIALS}")
    elif (trials == 1) != (combine == "single"):
        problems.append(
            f"{where} combine {combine!r} does not fit trials {trials}: use single for 1"
        )
    if combine == "best" and raw.get("better", "none") == "none":
        problems.append(f"{where} combine best needs better: higher or lower")
    if raw.get("kind") == "level":
        levels = raw.get("levels")
        if (
            not isinstance(levels, list)
            or len(levels) < 2
            or len(set(map(str, levels))) < len(levels)
        ):
            problems.append(f"{where} levels must list two or more different ratings, best first")
        if raw.get("unit") != "level" or "min" in raw or "max" in raw or trials != 1:
            problems.append(f"{where} is a level: unit level, no min or max, one trial")
    elif raw.get("kind") == "number":
        low, high = raw.get("min"), raw.get("max")
        if not (_number(low) and _number(high) and low <= high):
            problems.append(f"{where} min {low!r} and max {high!r} must be numbers, min <= max")
        if "levels" in raw or raw.get("unit") == "level":
            problems.append(f"{where} is a number: no levels, unit not level")
    change, change_unit = raw.get("real_change"), raw.get("real_change_unit")
    if (change is None) != (change_unit is None):
        problems.append(f"{where} real_change and real_change_unit go together")
    elif change is not None:
        if not _number(change) or change <= 0:
            problems.append(f"{where} real_change {change!r} is not a positive number")
        problems += _choice(raw, "real_change_unit", REAL_CHANGE_UNITS, "", where)
        if raw.get("kind") != "number" or raw.get("better", "none") == "none":
            problems.append(f"{where} real_change needs a number with better higher or lower")
    if not isinstance(raw.get("optional", False), bool):
        problems.append(f"{where} optional {raw['optional']!r} is not true or false")
    return problems


def _test_problems(raw: object, index: int) -> list[str]:
    """What is wrong with one test and its measures."""
    if not isinstance(raw, dict):
        return [f"test #{index + 1} is not a mapping with {', '.join(TEST_KEYS)}"]
    code = raw.get("test")
    where = f"test '{code}'" if isinstance(code, str) and code else f"test #{index + 1}"
    problems = unknown_keys(raw, TEST_KEYS, where)
    if not isinstance(code, str) or not _CODE.match(code):
        problems.append(f"{where} needs a test code of lowercase letters, digits and '_'")
    if not isinstance(raw.get("name"), str) or not raw["name"].strip():
        problems.append(f"{where} has no name")
    if not isinstance(raw.get("sided"), bool):
        problems.append(f"{where} sided {raw.get('sided')!r} is not true or false")
    measures = raw.get("measures")
    if not isinstance(measures, list) or not measures:
        return [*problems, f"{where} has no measures"]
    codes = []
    for number, measure in enumerate(measures, start=1):
        if not isinstance(measure, dict):
            problems.append(f"{where} measure #{number} is not a mapping")
            continue
        name = measure.get("measure")
        label = f"{where} measure '{name}'" if name else f"{where} measure #{number}"
        problems += unknown_keys(measure, MEASURE_KEYS, label)
        if not isinstance(name, str) or not _CODE.match(name):
            problems.append(f"{label} needs a measure code of lowercase letters, digits and '_'")
        codes.append(str(name))
        problems += _measure_problems(measure, label)
    return problems + [f"{where}: {p}" for p in used_twice(codes, "measure")]


def _measure(test: dict, raw: dict) -> Measure:
    number = raw["kind"] == "number"
    return Measure(
        test=test["test"],
        test_name=test["name"].strip(),
        measure=raw["measure"],
        measure_name=raw["name"].strip(),
        unit=raw["unit"],
        kind=raw["kind"],
        sided=test["sided"],
        min=float(raw["min"]) if number else None,
        max=float(raw["max"]) if number else None,
        levels=tuple(str(v) for v in raw.get("levels", ())),
        trials=raw.get("trials", 1),
        combine=raw.get("combine", "single"),
        better=raw.get("better", "none"),
        real_change=None if raw.get("real_change") is None else float(raw["real_change"]),
        real_change_unit=raw.get("real_change_unit"),
        optional=raw.get("optional", False),
    )


def _derived(entered: list[Measure]) -> list[Measure]:
    """The derived measures whose test and source measure the catalogue has (in DERIVED's order,
    so a derived measure may come from an earlier one)."""
    names = {m.test: m.test_name for m in entered}
    have = {(m.test, m.measure) for m in entered}
    derived = []
    for test, measure, name, unit, sided, better, change, change_unit, source in DERIVED:
        if test in names and (test, source) in have:
            derived.append(
                Measure(
                    test,
                    names[test],
                    measure,
                    name,
                    unit,
                    "number",
                    sided,
                    better=better,
                    real_change=change,
                    real_change_unit=change_unit,
                    derived=True,
                    derived_from=source,
                )
            )
            have.add((test, measure))
    return derived


@dataclass(frozen=True)
class AssessmentCatalog:
    """The club's tests: every entered and derived measure, in the file's order."""

    measures: tuple[Measure, ...]

    @classmethod
    def load(cls, yaml_bytes: bytes) -> AssessmentCatalog:
        """The catalogue from assessment_tests.yaml, or a ParseError listing every problem."""
        tests = yaml_list(yaml_bytes, FILE, "tests", "test")
        problems = [p for i, raw in enumerate(tests) for p in _test_problems(raw, i)]
        problems += used_twice([str(t.get("test")) for t in tests if isinstance(t, dict)], "test")
        raise_problems(
            FILE,
            problems,
            f"fix them in club/{FILE}; until then the previous catalogue stays in use",
        )
        entered = [_measure(test, raw) for test in tests for raw in test["measures"]]
        return cls(tuple(entered + _derived(entered)))

    @classmethod
    def default(cls) -> AssessmentCatalog:
        """The tests shipped with StrongStride."""
        return cls.load(default_assessment_tests_yaml())

    @classmethod
    def from_frame(cls, frame: pl.DataFrame) -> AssessmentCatalog:
        """The catalogue as the warehouse holds it (assessment_measures, mart_assessment_catalog)."""
        fields = set(Measure.__dataclass_fields__)
        rows = frame.sort("display_order").iter_rows(named=True)
        return cls(
            tuple(
                Measure(
                    **{k: v for k, v in row.items() if k in fields - {"levels"}},
                    levels=tuple(row["levels"] or ()),
                )
                for row in rows
            )
        )

    def measure(self, test: str, measure: str) -> Measure | None:
        """The catalogue entry of one test's measure, or None."""
        return next((m for m in self.measures if (m.test, m.measure) == (test, measure)), None)

    def problem(
        self, test: object, measure: object, side: object, trial: object, value: object
    ) -> tuple[str, str] | None:
        """The field at fault (test, measure, side, trial or value) and why one entered value cannot
        be recorded, or None."""
        if not any(m.test == test for m in self.measures):
            return "test", f"test {test!r} is not in the club's catalogue ({FILE})"
        found = self.measure(str(test), str(measure))
        if found is None:
            return "measure", f"{test} has no measure {measure!r}"
        return found.problem(side, trial, value)

    def check(
        self, test: object, measure: object, side: object, trial: object, value: object
    ) -> str | None:
        """Why one entered value cannot be recorded (unknown test or measure, side not allowed,
        trial above the test's trials, number out of range, level not listed), or None."""
        found = self.problem(test, measure, side, trial, value)
        return None if found is None else found[1]

    def check_results(self, results: list[dict[str, Any]]) -> str | None:
        """The first reason a session's results cannot be recorded: a value as in `check`, a test,
        measure, side and trial given twice, or a test side without one of its required (not
        optional) measures; None when there is none."""
        if not isinstance(results, list) or not results:
            return "the session has no results"
        seen: set[tuple] = set()
        for number, result in enumerate(results, start=1):
            if not isinstance(result, dict):
                return f"result {number} is not a test, measure, side, trial and value"
            key = tuple(result.get(k) for k in ("test", "measure", "side", "trial"))
            reason = self.check(*key, result.get("value"))
            if reason is not None:
                return reason
            if key in seen:
                return "{} {} {} trial {} is given twice".format(*key)
            seen.add(key)
        return self.missing({(test, measure, side) for test, measure, side, _ in seen})

    def missing(self, recorded: set[tuple[str, str, str]]) -> str | None:
        """Why a session's (test, measure, side) values lack a required (not optional) measure of a
        test side it has, or None."""
        for test, side in sorted({(test, side) for test, _, side in recorded}):
            for m in self.measures:
                needed = m.test == test and not (m.optional or m.derived)
                if needed and (test, m.measure, side) not in recorded:
                    return (
                        f"{test} {side} has no {m.measure} (only optional measures may be left out)"
                    )
        return None

    def to_frame(self) -> pl.DataFrame:
        """The assessment_measures table: one row per test and measure."""
        return pl.DataFrame(
            [
                {name: getattr(m, name) for name in MEASURE_SCHEMA if name != "display_order"}
                | {"levels": list(m.levels) or None, "display_order": order}
                for order, m in enumerate(self.measures, start=1)
            ],
            schema=MEASURE_SCHEMA,
        )


def check_body_mass(value: object) -> str | None:
    """Why a session's body mass cannot be recorded, or None."""
    low, high = BODY_MASS_KG
    if not _number(value) or not low <= value <= high:
        return f"body_mass_kg {value!r} is not a number of kg from {low:g} to {high:g}"
    return None
