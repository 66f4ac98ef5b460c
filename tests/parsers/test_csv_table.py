"""Reading CSVs: spreadsheet row numbers, BOM, separators, unreadable files, and the shared row rules."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.parsers.csv_table import (
    DATE_FORMAT_HINT,
    date_when_given,
    filled_in,
    read_csv_table,
    reject_broken_rows,
    stable_ids,
    without_accents,
)
from pipelines.parsers.schemas import ParseError


def test_rows_are_numbered_as_a_spreadsheet_shows_them():
    # Header = row 1; the quoted note spans two lines but is one row; blank rows are dropped.
    data = '\ufeff athlete_id ;"note"\na001;"first line\nsecond line"\n\na002; padded \n'.encode()
    table = read_csv_table(data, "test.csv")
    assert table.columns == ["row_number", "athlete_id", "note"]
    assert table.rows() == [(2, "a001", "first line\nsecond line"), (4, "a002", "padded")]


def test_unreadable_files_say_what_to_do():
    with pytest.raises(ParseError, match="not UTF-8 text") as raised:
        read_csv_table("athlete_id\nRenée\n".encode("latin-1"), "roster.csv")
    assert "CSV UTF-8" in raised.value.hint
    with pytest.raises(ParseError, match="not a readable CSV"):
        read_csv_table(b'a,b\n"1,2\n', "roster.csv")


def test_stable_ids_are_sha256_prefixes():
    ids = stable_ids(pl.Series(["a|b", None, "a|b"]))
    # The first 16 hex digits of sha256("a|b"), worked out once with hashlib.
    assert ids.to_list() == ["0eab8a0a3380abf4", None, "0eab8a0a3380abf4"]


def test_rules_for_required_values_and_dates_name_the_column():
    table = pl.DataFrame(
        {"row_number": [2, 3, 4], "start_date": [None, "2026-02-30", "2026-03-02"]}
    )
    kept, errors = reject_broken_rows(
        table, [filled_in("start_date"), date_when_given("start_date")]
    )
    assert kept["row_number"].to_list() == [4]
    assert [(e.row_number, e.column, e.reason) for e in errors] == [
        (2, "start_date", "start_date is empty"),
        (3, "start_date", f"start_date '2026-02-30' is not a date: {DATE_FORMAT_HINT}"),
    ]


def test_without_accents_folds_case_and_accents_only():
    names = pl.Series(["Hüftstoßen", "ÉLAN-Vital", "Señor Squat"])
    folded = pl.select(without_accents(pl.lit(names))).to_series()
    assert folded.to_list() == ["huftstoßen", "elan-vital", "senor squat"]
