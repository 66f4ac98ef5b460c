"""Assessment sessions and their results, from the coach's app entries or club/assessments.csv.

Both roads give the same two tables (docs/ASSESSMENTS.md): one row per session and one per entered
value (test, measure, side, trial; a number in value_num or a level in value_level), each value
validated by the club's catalogue (assessment_catalog.py), the one check the dashboard also runs.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from pipelines.parsers.club.assessment_catalog import AssessmentCatalog

SESSION_SCHEMA: dict[str, pl.DataType] = {
    "session_id": pl.String(),
    "athlete_id": pl.String(),
    "assessed_on": pl.Date(),
    "assessor": pl.String(),
    "body_mass_kg": pl.Float64(),
    "source": pl.String(),
    "entry_id": pl.String(),
    "supersedes": pl.String(),
    "entered_at": pl.Datetime("us", "UTC"),
    "entered_by": pl.String(),
    "entered_role": pl.String(),
}
RESULT_SCHEMA: dict[str, pl.DataType] = {
    "session_id": pl.String(),
    "test": pl.String(),
    "measure": pl.String(),
    "side": pl.String(),
    "trial": pl.Int32(),
    "value_num": pl.Float64(),
    "value_level": pl.String(),
}
RESULT_FIELDS = ("test", "measure", "side", "trial", "value")


def result_rows(
    session_id: str, results: list[dict[str, Any]], catalog: AssessmentCatalog
) -> pl.DataFrame:
    """Checked results (`catalog.check_results` found nothing) as assessment_results rows."""
    rows = []
    for result in results:
        kind = catalog.measure(result["test"], result["measure"]).kind
        value = result["value"]
        rows.append(
            {
                "session_id": session_id,
                **{k: result[k] for k in ("test", "measure", "side", "trial")},
                "value_num": float(value) if kind == "number" else None,
                "value_level": value if kind == "level" else None,
            }
        )
    return pl.DataFrame(rows, schema=RESULT_SCHEMA)
