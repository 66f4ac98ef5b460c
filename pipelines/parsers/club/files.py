"""The files the coach keeps in club/: roster and enrolments here; programs.yaml, the injury log and
the OSTRC answers have their own modules, re-exported here so callers need one import.

Every parser returns the rows that load and one RowError per broken rule (spreadsheet rows, header =
row 1); a bad row never stops the others.
"""

from __future__ import annotations

import polars as pl

from pipelines.parsers.club.injuries import parse_injuries
from pipelines.parsers.club.ostrc import parse_ostrc
from pipelines.parsers.club.programs import default_programs_yaml, parse_programs
from pipelines.parsers.csv_table import (
    IANA_TIME_ZONES,
    ROW,
    RowRule,
    as_iso_date,
    as_number,
    athlete_rules,
    date_when_given,
    filled_in,
    last_year_allowed,
    quoted,
    read_csv_table,
    reject_broken_rows,
    require_columns,
    whole_number_in_range,
)
from pipelines.parsers.schemas import RowError

__all__ = [
    "default_programs_yaml",
    "parse_enrolments",
    "parse_injuries",
    "parse_ostrc",
    "parse_programs",
    "parse_roster",
]

ROSTER_SCHEMA: dict[str, pl.DataType] = {
    "athlete_id": pl.String(),
    "display_name": pl.String(),
    "sex": pl.String(),
    "birth_year": pl.Int32(),
    "weight_unit": pl.String(),
    "time_zone": pl.String(),
    "hr_rest": pl.Int32(),
    "hr_max": pl.Int32(),
    "training_group": pl.String(),
    "email": pl.String(),  # for check-in reminders only; never published to the serving file
}
# A plain address: something, @, a domain with a dot; no spaces, no display name ("Ann <a@b.c>").
EMAIL_PATTERN = r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\".]+$"


def parse_roster(
    data: bytes, *, club_time_zone: str | None = None
) -> tuple[pl.DataFrame, list[RowError]]:
    """club/roster.csv as athletes rows; an empty time_zone takes the club's, an empty weight_unit kg."""
    table = require_columns(
        read_csv_table(data, "roster.csv"),
        ("athlete_id", "display_name", "time_zone"),
        ("sex", "birth_year", "weight_unit", "hr_rest", "hr_max", "training_group", "email"),
        "roster.csv",
    )
    table = table.with_columns(
        pl.col("sex").str.to_uppercase(),
        pl.col("weight_unit")
        .str.to_lowercase()
        .replace({"kgs": "kg", "lbs": "lb"})
        .fill_null("kg"),
        pl.col("time_zone").fill_null(pl.lit(club_time_zone, pl.String)),
    )
    duplicate = pl.col("athlete_id").is_duplicated() & (
        pl.int_range(pl.len()).over("athlete_id") > 0
    )
    rules = [
        filled_in("athlete_id"),
        RowRule(
            "athlete_id",
            ~pl.col("athlete_id").str.contains(r"^[A-Za-z0-9_-]+$"),
            pl.format(
                "athlete_id {} may hold only letters, digits, '-' and '_' (it names the inbox folder)",
                quoted("athlete_id"),
            ),
        ),
        RowRule(
            "athlete_id",
            duplicate,
            pl.format("athlete_id {} is already used by an earlier row", quoted("athlete_id")),
        ),
        filled_in("display_name"),
        RowRule(
            "sex",
            pl.col("sex").is_not_null() & ~pl.col("sex").is_in(["F", "M", "X"]),
            pl.format("sex {} is not F, M or X", quoted("sex")),
        ),
        whole_number_in_range("birth_year", 1900, last_year_allowed(), "birth_year"),
        RowRule(
            "weight_unit",
            ~pl.col("weight_unit").is_in(["kg", "lb"]),
            pl.format("weight_unit {} is not kg or lb", quoted("weight_unit")),
        ),
        RowRule(
            "time_zone",
            pl.col("time_zone").is_null() | ~pl.col("time_zone").is_in(sorted(IANA_TIME_ZONES)),
            pl.format(
                "time_zone {} is not a time zone name such as Europe/London or America/New_York",
                quoted("time_zone"),
            ),
        ),
        whole_number_in_range("hr_rest", 25, 120, "hr_rest"),
        whole_number_in_range("hr_max", 100, 230, "hr_max"),
        RowRule(
            "hr_max",
            as_number("hr_max") <= as_number("hr_rest"),
            pl.lit("hr_max is not above hr_rest"),
        ),
    ]
    table, email_errors = _drop_bad_emails(table)
    kept, errors = reject_broken_rows(table, rules)
    errors = sorted(email_errors + errors, key=lambda e: e.row_number or 0)
    athletes = kept.with_columns(
        pl.col("birth_year", "hr_rest", "hr_max").cast(pl.Float64).cast(pl.Int32)
    )
    return athletes.select(list(ROSTER_SCHEMA)).cast(ROSTER_SCHEMA), errors


def parse_enrolments(
    data: bytes, program_ids: set[str], roster_ids: set[str]
) -> tuple[pl.DataFrame, list[RowError]]:
    """club/enrolments.csv: who is on which program; end_date is the last enrolled day (empty = ongoing)."""
    table = require_columns(
        read_csv_table(data, "enrolments.csv"),
        ("athlete_id", "program_id", "start_date"),
        ("end_date",),
        "enrolments.csv",
    )
    rules = athlete_rules(roster_ids) + [
        filled_in("program_id"),
        RowRule(
            "program_id",
            pl.col("program_id").is_not_null() & ~pl.col("program_id").is_in(sorted(program_ids)),
            pl.format(
                "program {} is not in programs.yaml (known: {})",
                quoted("program_id"),
                pl.lit(", ".join(sorted(program_ids)) or "none"),
            ),
        ),
        filled_in("start_date"),
        date_when_given("start_date"),
        date_when_given("end_date"),
        RowRule(
            "end_date",
            as_iso_date("end_date") < as_iso_date("start_date"),
            pl.format(
                "end_date {} is before start_date {}", quoted("end_date"), quoted("start_date")
            ),
        ),
    ]
    kept, errors = reject_broken_rows(table, rules)
    dated = kept.select(
        ROW,
        "athlete_id",
        "program_id",
        start_date=as_iso_date("start_date"),
        end_date=as_iso_date("end_date"),
    ).sort("athlete_id", "start_date", ROW)
    # An enrolment overlaps when it starts on or before the latest end of the athlete's earlier ones.
    earlier_end = (
        pl.col("end_date").fill_null(pl.date(9999, 12, 31)).cum_max().shift(1).over("athlete_id")
    )
    overlap = RowRule(
        "start_date",
        pl.col("start_date") <= earlier_end,
        pl.format(
            "this enrolment of {} starts {} while an earlier one {}: end the earlier enrolment first",
            quoted("athlete_id"),
            pl.col("start_date"),
            pl.when(earlier_end.dt.year() == 9999)
            .then(pl.lit("is still ongoing (no end_date)"))
            .otherwise(pl.format("runs until {}", earlier_end)),
        ),
    )
    enrolments, overlaps = reject_broken_rows(dated, [overlap])
    errors = sorted(errors + overlaps, key=lambda error: error.row_number or 0)
    return enrolments.sort(ROW).drop(ROW), errors


def _drop_bad_emails(table: pl.DataFrame) -> tuple[pl.DataFrame, list[RowError]]:
    """An unusable email is reported and emptied, the member kept (only their reminders are off)."""
    bad = pl.col("email").is_not_null() & ~pl.col("email").str.contains(EMAIL_PATTERN)
    errors = [
        RowError(
            row,
            "email",
            f"email '{email}' is not a plain e-mail address such as ann@example.org: the member is "
            "loaded without check-in reminders until it is corrected (or left empty)",
        )
        for row, email in table.filter(bad).select(ROW, "email").iter_rows()
    ]
    return table.with_columns(
        pl.when(bad).then(None).otherwise(pl.col("email")).alias("email")
    ), errors
