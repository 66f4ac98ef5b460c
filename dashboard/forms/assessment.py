"""The assessment session form's inputs, built from the club's test catalogue (mart_assessment_catalog),
the results a filled form gives in the `assessment_session` document's shape, and why any of them
cannot be recorded (docs/ASSESSMENTS.md). No Streamlit here: views/assessment_entry.py draws them.

The checks are the pipeline's own (`AssessmentCatalog.check`, pure and shared with the parsers), so
the form refuses exactly what the parser would reject."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipelines.parsers.club.assessment_catalog import AssessmentCatalog, check_body_mass

SIDES = {"left": "left", "right": "right", "both": "both sides"}
# Input step and shown decimals per unit: lever arms in cm precision, masses and angles to 0.1.
STEPS = {"m": (0.01, "%.2f"), "kg": (0.1, "%.1f"), "deg": (0.5, "%.1f"), "cm": (0.5, "%.1f")}
DEFAULT_STEP = (1.0, "%.0f")


@dataclass(frozen=True)
class Field:
    """One input of the form: a test's measure, for one side and one trial."""

    test: str
    measure: str
    side: str
    trial: int
    label: str
    kind: str
    levels: tuple[str, ...]
    unit: str
    optional: bool

    @property
    def key(self) -> str:
        return f"{self.test}.{self.measure}.{self.side}.{self.trial}"

    @property
    def step(self) -> tuple[float, str]:
        return STEPS.get(self.unit, DEFAULT_STEP)


def test_names(catalog: AssessmentCatalog) -> dict[str, str]:
    """Code -> name of every test with a measure to enter, in the catalogue's order."""
    return {m.test: m.test_name for m in catalog.measures if not m.derived}


def fields(catalog: AssessmentCatalog, test: str) -> list[Field]:
    """Every input of one test: each entered measure per side (left and right, or both) per trial."""
    out = []
    for m in (m for m in catalog.measures if m.test == test and not m.derived):
        unit = "" if m.kind == "level" else f" ({m.unit})"
        for side in m.sides:
            for trial in range(1, m.trials + 1):
                trial_text = f", trial {trial}" if m.trials > 1 else ""
                out.append(
                    Field(
                        test=test,
                        measure=m.measure,
                        side=side,
                        trial=trial,
                        label=f"{m.test_name}: {m.measure_name}{unit}, {SIDES[side]}{trial_text}",
                        kind=m.kind,
                        levels=m.levels,
                        unit=m.unit,
                        optional=m.optional or trial > 1,  # one trial is enough
                    )
                )
    return out


def filled(values: dict[Field, Any]) -> dict[Field, Any]:
    """The inputs given a value (an empty input is left out of the session)."""
    return {f: v for f, v in values.items() if v is not None and v != ""}


def results(values: dict[Field, Any]) -> list[dict[str, Any]]:
    """The filled inputs as the document's results, in the form's order."""
    return [
        {
            "test": f.test,
            "measure": f.measure,
            "side": f.side,
            "trial": f.trial,
            "value": value if f.kind == "level" else float(value),
        }
        for f, value in filled(values).items()
    ]


def refusals(
    catalog: AssessmentCatalog, assessor: str, body_mass_kg: float | None, values: dict[Field, Any]
) -> list[str]:
    """Every reason the filled form cannot be recorded, as 'what: why' lines (none: it can): each
    value by the catalogue's own check, then the session as a whole (a required measure left out)."""
    given = results(values)
    by_value = [
        f"{f.label}: {reason}"
        for f, r in zip(filled(values), given, strict=True)
        if (reason := catalog.check(r["test"], r["measure"], r["side"], r["trial"], r["value"]))
    ]
    session = None if by_value else catalog.check_results(given)
    mass = check_body_mass(body_mass_kg)
    return [
        *([] if assessor.strip() else ["Assessor: required (who did the tests)"]),
        *([f"Body mass (kg): {mass}"] if mass else []),
        *by_value,
        *([f"Tests done: {session}"] if session else []),
    ]


def previous_values(document: dict[str, Any] | None) -> dict[str, Any]:
    """A written session's values by input key, to fill the form when correcting it."""
    if not document:
        return {}
    return {
        f"{r['test']}.{r['measure']}.{r['side']}.{r['trial']}": r["value"]
        for r in document.get("results", [])
        if isinstance(r, dict) and {"test", "measure", "side", "trial", "value"} <= r.keys()
    }
