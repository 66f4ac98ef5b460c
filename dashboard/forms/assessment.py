"""The assessment session form's inputs, built from the club's test catalogue (mart_assessment_catalog),
and the results a filled form gives, in the `assessment_session` document's shape
(docs/ASSESSMENTS.md). No Streamlit here: views/assessment_entry.py draws these inputs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

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


def test_names(catalog: pl.DataFrame) -> dict[str, str]:
    """Test code -> name, in the catalogue's order."""
    return dict(catalog.select("test", "test_name").unique(maintain_order=True).iter_rows())


def fields(catalog: pl.DataFrame, test: str) -> list[Field]:
    """Every input of one test: each measure per side (left and right, or both) per trial."""
    out = []
    for row in catalog.filter(pl.col("test") == test).iter_rows(named=True):
        unit = "" if row["kind"] == "level" else f" ({row['unit']})"
        for side in ("left", "right") if row["sided"] else ("both",):
            for trial in range(1, row["trials"] + 1):
                trial_text = f", trial {trial}" if row["trials"] > 1 else ""
                out.append(
                    Field(
                        test=test,
                        measure=row["measure"],
                        side=side,
                        trial=trial,
                        label=f"{row['test_name']}: {row['measure_name']}{unit}, "
                        f"{SIDES[side]}{trial_text}",
                        kind=row["kind"],
                        levels=tuple(row["levels"] or ()),
                        unit=row["unit"],
                        optional=bool(row["optional"]) or trial > 1,
                    )
                )
    return out


def results(values: dict[Field, Any]) -> list[dict[str, Any]]:
    """The filled inputs as the document's results (an empty input is left out)."""
    return [
        {
            "test": f.test,
            "measure": f.measure,
            "side": f.side,
            "trial": f.trial,
            "value": value if f.kind == "level" else float(value),
        }
        for f, value in values.items()
        if value is not None and value != ""
    ]


def missing(values: dict[Field, Any]) -> list[str]:
    """Inputs a session must have and that were left empty, as 'label: reason' lines."""
    return [
        f"{f.label}: required (this measure is not optional in the catalogue)"
        for f, value in values.items()
        if not f.optional and (value is None or value == "")
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
