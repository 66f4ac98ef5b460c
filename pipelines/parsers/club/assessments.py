"""Assessment sessions and their results, from the coach's app entries or club/assessments.csv.

Both roads give the same two tables (docs/ASSESSMENTS.md): one row per session and one per entered
value (test, measure, side, trial; a number in value_num or a level in value_level), each value
validated by the club's catalogue (assessment_catalog.py), the one check the dashboard also runs.

club/assessments.csv is long: one row per value, `athlete_id, assessed_on, assessor, body_mass_kg,
test, measure, side, trial, value`. A session is (athlete_id, assessed_on, assessor); an empty side is
`both`, an empty trial 1; levels are read ignoring case and numbers may have a decimal comma. A bad
row is reported with its column and reason and left out; a session whose rows disagree on body mass
or that lacks a required measure is left out whole, reported at its first row.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from pipelines.parsers.club.assessment_catalog import BODY_MASS_KG, AssessmentCatalog
from pipelines.parsers.csv_table import (
    ROW,
    RowRule,
    as_iso_date,
    as_number,
    athlete_rules,
    date_when_given,
    filled_in,
    quoted,
    read_csv_table,
    reject_broken_rows,
    require_columns,
    stable_ids,
)
from pipelines.parsers.schemas import RowError

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
CSV_FILE = "assessments.csv"
SESSION_KEY = ("athlete_id", "assessed_on", "assessor")
CSV_COLUMNS = (*SESSION_KEY, "body_mass_kg", "test", "measure", "side", "trial", "value")
_PROBLEM = "__problem"


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


def _read_value(text: str | None, kind: str) -> object:
    """A cell as its measure's kind: a lowercase level, or a number (text when it is none)."""
    if text is None or kind == "level":
        return None if text is None else text.lower()
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return text


def _read_trial(text: str) -> object:
    """A trial cell as a whole number, or its text when it is none."""
    return int(text) if text.isdigit() else text


def _checked(table: pl.DataFrame, catalog: AssessmentCatalog) -> pl.DataFrame:
    """The table with each row's value as its measure's kind and, where the catalogue refuses the
    row, the field at fault and why (the check the app's form runs)."""
    levels, numbers, fields, reasons = [], [], [], []
    for test, measure, side, trial, text in table.select(
        "test", "measure", "side", "trial", "value"
    ).iter_rows():
        found = catalog.measure(test, measure)
        value = _read_value(text, found.kind if found else "level")
        problem = catalog.problem(test, measure, side, _read_trial(trial), value)
        levels.append(value if found and found.kind == "level" else None)
        numbers.append(value if isinstance(value, float) else None)
        fields.append(problem[0] if problem else None)
        reasons.append(problem[1] if problem else None)
    return table.with_columns(
        pl.Series("value_level", levels, pl.String),
        pl.Series("value_num", numbers, pl.Float64),
        pl.Series("__field", fields, pl.String),
        pl.Series("__reason", reasons, pl.String),
    )


def _rules(roster_ids: set[str]) -> list[RowRule]:
    """What every row must keep; the catalogue's verdict is reported on the field it names."""
    low, high = BODY_MASS_KG
    mass = as_number("body_mass_kg")
    value_key = pl.concat_str(*SESSION_KEY, "test", "measure", "side", "trial", separator="|")
    session = pl.concat_str(*SESSION_KEY, separator="|")
    return [
        *athlete_rules(roster_ids),
        filled_in("assessed_on"),
        date_when_given("assessed_on"),
        filled_in("assessor"),
        RowRule(
            "body_mass_kg",
            ~mass.is_between(low, high).fill_null(False),
            pl.format(
                "body_mass_kg {} is not a number of kg from {} to {}",
                quoted("body_mass_kg"),
                pl.lit(f"{low:g}"),
                pl.lit(f"{high:g}"),
            ),
        ),
        RowRule(
            "body_mass_kg",
            mass != mass.first().over(session),
            pl.lit(
                "body_mass_kg differs from the session's first row (same athlete, date, assessor)"
            ),
        ),
        *(
            RowRule(field, pl.col("__field") == field, pl.col("__reason"))
            for field in ("test", "measure", "side", "trial", "value")
        ),
        RowRule(
            "trial",
            value_key.is_duplicated() & (pl.int_range(pl.len()).over(value_key) > 0),
            pl.lit("the same value (session, test, measure, side, trial) is in an earlier row"),
        ),
    ]


def parse_assessments(
    data: bytes, roster_ids: set[str], catalog: AssessmentCatalog
) -> tuple[pl.DataFrame, pl.DataFrame, list[RowError]]:
    """club/assessments.csv as assessment sessions and results, and the rows left out with why."""
    table = require_columns(
        read_csv_table(data, CSV_FILE),
        tuple(c for c in CSV_COLUMNS if c not in ("side", "trial")),
        ("side", "trial"),
        CSV_FILE,
    ).with_columns(
        pl.col("test", "measure").str.to_lowercase(),
        side=pl.col("side").str.to_lowercase().fill_null("both"),
        trial=pl.col("trial").fill_null("1"),
    )
    kept, errors = reject_broken_rows(_checked(table, catalog), _rules(roster_ids))
    ids = stable_ids(kept.select(pl.concat_str(*SESSION_KEY, separator="|")).to_series(), 32)
    kept = kept.with_columns(session_id=pl.lit("csv-") + ids, trial=pl.col("trial").cast(pl.Int32))
    complete, incomplete = [], []
    for (session_id,), rows in kept.group_by(["session_id"], maintain_order=True):
        reason = catalog.missing(set(rows.select("test", "measure", "side").iter_rows()))
        if reason is None:
            complete.append(session_id)
        else:
            reason = f"the session was left out: {reason}"
            incomplete.append(RowError(rows[ROW].min(), "measure", reason))
    kept = kept.filter(pl.col("session_id").is_in(complete))
    sessions = (
        kept.group_by("session_id", maintain_order=True)
        .first()
        .with_columns(
            assessed_on=as_iso_date("assessed_on"),
            body_mass_kg=as_number("body_mass_kg"),
            source=pl.lit("csv"),
            **{
                c: pl.lit(None)
                for c in ("entry_id", "supersedes", "entered_at", "entered_by", "entered_role")
            },
        )
    )
    return (
        sessions.select(list(SESSION_SCHEMA)).cast(SESSION_SCHEMA),
        kept.select(list(RESULT_SCHEMA)).cast(RESULT_SCHEMA),
        sorted(errors + incomplete, key=lambda e: e.row_number),
    )
