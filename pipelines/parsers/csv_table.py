"""Reading a coach's or an app's CSV into text columns, and turning failed row rules into RowErrors.

Row numbers are the ones a coach sees in a spreadsheet: the header is row 1, the first data row is
row 2, and a quoted field spanning several lines still counts as one row.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from zoneinfo import available_timezones

import polars as pl

from pipelines.parsers.schemas import ParseError, RowError

ROW = "row_number"
FIRST_DATA_ROW = 2
SEPARATORS = (",", ";", "\t")
DATE_FORMAT_HINT = (
    "write dates as YYYY-MM-DD, e.g. 2026-03-14 (spreadsheets may reformat them on save)"
)
IANA_TIME_ZONES = frozenset(available_timezones())


def decode_text(data: bytes, what: str) -> str:
    """The file's text (UTF-8, a BOM accepted), or a ParseError saying why it is not text."""
    if b"\x00" in data[:4096]:
        raise ParseError(
            f"{what} is not a CSV text file (it contains binary data)",
            "export it again as CSV from the app or spreadsheet",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ParseError(
            f"{what} is not UTF-8 text (byte {error.start} cannot be read)",
            "save it as 'CSV UTF-8' in your spreadsheet app and upload it again",
        ) from error
    if not text.strip():
        raise ParseError(
            f"{what} is empty", "export it again; the file should start with a header row"
        )
    return text


def _separator(header_line: str) -> str:
    """The most frequent of comma, semicolon and tab in the header (some locales use semicolons)."""
    return max(SEPARATORS, key=header_line.count)


def read_csv_table(data: bytes, what: str) -> pl.DataFrame:
    """Every column of a CSV as trimmed text (empty = null), plus its spreadsheet row number."""
    # Old Mac and some Excel exports end lines with a bare CR, which polars would read as one row.
    text = decode_text(data, what).replace("\r\n", "\n").replace("\r", "\n")
    header_line = text.lstrip("\n").split("\n", 1)[0]
    try:
        table = pl.read_csv(
            text.encode(),
            infer_schema=False,
            separator=_separator(header_line),
            truncate_ragged_lines=True,
            row_index_name=ROW,
            row_index_offset=FIRST_DATA_ROW,
        )
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as error:
        raise ParseError(
            f"{what} is not a readable CSV (a quoted field has no closing quote, or the rows do "
            "not fit the header)",
            "check the file in a text editor for an unmatched double quote, or export it again",
        ) from error
    names = {name: name.strip().strip('"').strip() for name in table.columns}
    repeated = sorted(name for name, n in Counter(names.values()).items() if n > 1)
    if repeated:
        raise ParseError(
            f"{what} has the column '{repeated[0]}' more than once in its header row",
            "rename or delete the extra column, then save the file as CSV again",
        )
    table = table.rename(names)
    fields = [name for name in table.columns if name != ROW]
    return table.with_columns(
        pl.col(fields).str.strip_chars().replace("", None), pl.col(ROW).cast(pl.Int32)
    ).filter(~pl.all_horizontal(pl.col(fields).is_null()))


def header_key(name: str) -> str:
    """A column name reduced to lowercase letters and digits, so 'Athlete ID' finds athlete_id."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def find_columns(table: pl.DataFrame, wanted: tuple[str, ...]) -> dict[str, str]:
    """The file's own header for each wanted column, matched ignoring case, spaces and punctuation."""
    by_key = {header_key(name): name for name in table.columns if name != ROW}
    return {column: by_key[header_key(column)] for column in wanted if header_key(column) in by_key}


def require_columns(
    table: pl.DataFrame, required: tuple[str, ...], optional: tuple[str, ...], what: str
) -> pl.DataFrame:
    """The table with canonical column names (optional ones filled with nulls); missing required ones raise."""
    found = find_columns(table, required + optional)
    missing = [column for column in required if column not in found]
    if missing:
        raise ParseError(
            f"{what} is missing the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
            f"the header row should be: {','.join(required + optional)}",
        )
    return table.select(
        ROW,
        *[pl.col(found[column]).alias(column) for column in found],
        *[pl.lit(None, pl.String).alias(column) for column in optional if column not in found],
    )


def as_number(column: str) -> pl.Expr:
    """A text column as a number; a decimal comma ('80,5') is read as a point."""
    value = pl.col(column).str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)
    return pl.when(value.is_finite()).then(value)


def not_a_number(column: str) -> pl.Expr:
    """True where the column has text that is not a number."""
    return pl.col(column).is_not_null() & as_number(column).is_null()


def as_iso_date(column: str) -> pl.Expr:
    """A YYYY-MM-DD text column as a date (null when it is not one)."""
    return pl.col(column).str.strptime(pl.Date, "%Y-%m-%d", strict=False)


def not_a_date(column: str) -> pl.Expr:
    """True where the column has text that is not a YYYY-MM-DD date."""
    return pl.col(column).is_not_null() & as_iso_date(column).is_null()


def without_accents(text: pl.Expr) -> pl.Expr:
    """Lowercase text without accents ("Hüftstoßen" -> "huftstoßen"), for matching typed words."""
    return text.str.to_lowercase().str.normalize("NFKD").str.replace_all(r"\p{M}", "")


def monday_of(day: pl.Expr) -> pl.Expr:
    """The Monday of the ISO week a date falls in."""
    return day.dt.truncate("1w")


def quoted(column: str) -> pl.Expr:
    """The column's text in quotes, for a reason a coach reads."""
    return pl.format("'{}'", pl.col(column).fill_null(""))


def is_unknown_athlete(column: str, roster_ids: set[str]) -> pl.Expr:
    """True where an athlete id is given but is not in the roster."""
    return pl.col(column).is_not_null() & ~pl.col(column).is_in(sorted(roster_ids))


def unknown_athlete_reason(column: str) -> pl.Expr:
    """Why a row naming an athlete outside the roster is rejected, and what to do."""
    return pl.format(
        "athlete {} is not in the roster: add them to club/roster.csv or correct the id",
        quoted(column),
    )


@dataclass(frozen=True)
class RowRule:
    """A rule every row must keep: where it fails, the row is rejected with this column and reason."""

    column: str
    broken: pl.Expr
    reason: pl.Expr


def reject_broken_rows(
    table: pl.DataFrame, rules: list[RowRule]
) -> tuple[pl.DataFrame, list[RowError]]:
    """The rows that keep every rule, and one RowError per broken rule (a row may break several)."""
    if not rules:
        return table, []
    flags = [f"__broken_{index}" for index in range(len(rules))]
    reasons = [f"__reason_{index}" for index in range(len(rules))]
    # Reasons are worked out on the whole table: a window (an athlete's earlier rows) needs them all.
    flagged = table.with_columns(
        *(
            rule.broken.fill_null(False).alias(flag)
            for rule, flag in zip(rules, flags, strict=True)
        ),
        *(rule.reason.alias(reason) for rule, reason in zip(rules, reasons, strict=True)),
    )
    kept = flagged.filter(~pl.any_horizontal(flags)).drop(flags + reasons)
    broken = flagged.filter(pl.any_horizontal(flags))
    if broken.is_empty():  # most files: two filters in all instead of two per rule
        return kept, []
    errors = pl.concat(
        [
            broken.filter(pl.col(flag)).select(
                pl.col(ROW), pl.lit(rule.column).alias("column"), pl.col(reason).alias("reason")
            )
            for rule, flag, reason in zip(rules, flags, reasons, strict=True)
        ]
    ).sort(ROW, maintain_order=True)
    return kept, [RowError(row, column, reason) for row, column, reason in errors.iter_rows()]


def stable_ids(keys: pl.Series, length: int = 16) -> pl.Series:
    """A short SHA-256 of each key: stable across runs and library versions (polars' hash is not)."""
    distinct = keys.unique().drop_nulls().to_list()
    digests = {key: hashlib.sha256(key.encode()).hexdigest()[:length] for key in distinct}
    return keys.replace_strict(digests, default=None, return_dtype=pl.String)


def last_year_allowed() -> int:
    """The latest plausible year in a coach's file (this year)."""
    return date.today().year


def filled_in(column: str) -> RowRule:
    """Every row fills in the column."""
    return RowRule(column, pl.col(column).is_null(), pl.lit(f"{column} is empty"))


def date_when_given(column: str) -> RowRule:
    """A date column, when filled in, holds a YYYY-MM-DD date."""
    return RowRule(
        column,
        not_a_date(column),
        pl.format(
            "{} {} is not a date: {}", pl.lit(column), quoted(column), pl.lit(DATE_FORMAT_HINT)
        ),
    )


def athlete_rules(roster_ids: set[str]) -> list[RowRule]:
    """Every row names a roster athlete."""
    return [
        filled_in("athlete_id"),
        RowRule(
            "athlete_id",
            is_unknown_athlete("athlete_id", roster_ids),
            unknown_athlete_reason("athlete_id"),
        ),
    ]


def whole_number_in_range(column: str, low: int, high: int, what: str) -> RowRule:
    """A number column, when filled in, holds a whole number within a plausible range."""
    value = as_number(column)
    return RowRule(
        column,
        pl.col(column).is_not_null()
        & ~((value % 1 == 0) & value.is_between(low, high)).fill_null(False),
        pl.format(
            "{} {} is not a whole number from {} to {}",
            pl.lit(what),
            quoted(column),
            pl.lit(low),
            pl.lit(high),
        ),
    )
