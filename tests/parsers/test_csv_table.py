"""Reading CSVs: spreadsheet row numbers, BOM, separators and unreadable files."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.parsers.csv_table import read_csv_table, stable_ids
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
