"""The `files` registry and `ingest_errors`: every received file, its status, and why it failed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol, TypeVar

import duckdb
import polars as pl

from pipelines.ingest.tables import FILES, INGEST_ERRORS
from pipelines.parsers.schemas import ParseError
from pipelines.warehouse import append_rows

T = TypeVar("T")

# Bump when a parser fix should give previously rejected files another chance, or a club table's
# columns change (the club files are then parsed again: 2 = ostrc_responses.instrument_version,
# 3 = ostrc_responses.area, 4 = ostrc_areas.lower_limb and the ostrc_instrument table,
# 5 = athletes.email; 7 = a blank optional text of an app entry, a report's description or a
# classification's diagnosis, read as absent where it was refused).
PARSER_VERSION = 7
UNEXPECTED_HINT = (
    "the file is kept in the raw archive: tell the operator, so it is read again once fixed"
)


class _Job(Protocol):
    sha256: str
    athlete_id: str | None
    original_name: str


@dataclass(frozen=True)
class FileRef:
    """A registered file by its hash, athlete and name."""

    sha256: str
    athlete_id: str | None
    original_name: str


@dataclass
class FileOutcome:
    """How parsing one file ended: ingested with N items, or rejected with a reason."""

    sha256: str
    athlete_id: str | None
    file_name: str
    status: str
    items: int = 0
    error: str | None = None
    hint: str | None = None
    row_errors: list[tuple[int | None, str | None, str]] = field(default_factory=list)

    @classmethod
    def ingested(cls, job: _Job, items: int, row_errors=()) -> FileOutcome:
        return cls(
            job.sha256,
            job.athlete_id,
            job.original_name,
            "ingested",
            items,
            row_errors=list(row_errors),
        )

    @classmethod
    def rejected(cls, job: _Job, reason: str, hint: str = "") -> FileOutcome:
        return cls(job.sha256, job.athlete_id, job.original_name, "rejected", 0, reason, hint)

    @classmethod
    def unexpected(cls, job: _Job, error: Exception) -> FileOutcome:
        """A file a parser failed on in a way it did not foresee: recorded, so the run goes on."""
        reason = f"StrongStride could not read this file ({type(error).__name__}: {error})"
        return cls.rejected(job, reason, UNEXPECTED_HINT)


def parse_or_reject(job: _Job, parse: Callable[[], T]) -> T | FileOutcome:
    """`parse()`'s result, or the file's rejection: with the parser's reason for a ParseError, and
    recorded as unexpected for any other error (one file no parser foresaw never stops the run)."""
    try:
        return parse()
    except ParseError as err:
        return FileOutcome.rejected(job, err.reason, err.hint)
    except Exception as err:
        return FileOutcome.unexpected(job, err)


def register_received(con: duckdb.DuckDBPyConnection, received: pl.DataFrame) -> int:
    """Add a `pending` row for each content hash not registered before; returns how many.

    `received`: files as `scan_and_archive` lists them (`RECEIVED_SCHEMA`). The comparison with
    every file ever registered runs inside DuckDB (an anti join, inserted from there without a
    copy in Python), so its cost in Python grows with the night's files, not the club's history.
    """
    if received.is_empty():
        return 0
    arrived = (
        received.select(
            "sha256",
            "athlete_id",
            original_name=pl.col("path").str.replace(r"^.*/", ""),
            inbox_path="path",
            kind="kind",
            size_bytes="size",
            received_at=pl.lit(datetime.now(UTC)),
            status=pl.lit("pending"),
            items=pl.lit(0),
            error=pl.lit(None),
            hint=pl.lit(None),
            parser_version=pl.lit(PARSER_VERSION),
        )
        .select(list(FILES.columns))
        .cast(dict(FILES.columns))
        .unique("sha256", keep="first", maintain_order=True)
    )
    con.register("_arrived", arrived.with_row_index("arrival"))
    try:
        return con.sql(
            "insert into files by name select * exclude (arrival) from _arrived a "
            "anti join files f on a.sha256 = f.sha256 order by arrival"
        ).fetchall()[0][0]
    finally:
        con.unregister("_arrived")


# Which files are to parse: pending, or rejected by an older parser version; with the kinds and
# PARSER_VERSION as parameters (see `to_parse_params`), in the order files are parsed.
TO_PARSE = (
    "list_contains(?, kind) and (status = 'pending' "
    "or (status = 'rejected' and parser_version < ?))"
)
TO_PARSE_ORDER = "received_at, sha256"


def to_parse_params(kinds: list[str]) -> list:
    """The parameters of TO_PARSE."""
    return [kinds, PARSER_VERSION]


def files_to_parse(con: duckdb.DuckDBPyConnection, kinds: list[str]) -> pl.DataFrame:
    """Files of these kinds still pending, or rejected by an older parser version."""
    return con.sql(
        "select sha256, athlete_id, original_name, kind from files "  # noqa: S608
        f"where {TO_PARSE} order by {TO_PARSE_ORDER}",
        params=to_parse_params(kinds),
    ).pl()


def record_outcomes(con: duckdb.DuckDBPyConnection, outcomes: list[FileOutcome]) -> None:
    """Set each file's status and replace its recorded errors (inside the caller's transaction)."""
    if not outcomes:
        return
    frame = pl.DataFrame(
        [
            {
                "sha256": o.sha256,
                "status": o.status,
                "items": o.items,
                "error": o.error,
                "hint": o.hint,
            }
            for o in outcomes
        ],
        schema={c: FILES.columns[c] for c in ("sha256", "status", "items", "error", "hint")},
    )
    con.register("_outcomes", frame)
    try:
        con.sql(
            "update files set status = o.status, items = o.items, error = o.error, "
            "hint = o.hint, parser_version = ? from _outcomes o where files.sha256 = o.sha256",
            params=[PARSER_VERSION],
        )
        con.sql("delete from ingest_errors where sha256 in (select sha256 from _outcomes)")
    finally:
        con.unregister("_outcomes")
    now = datetime.now(UTC)
    errors = [(o, None, None, o.error) for o in outcomes if o.status == "rejected"] + [
        (o, row, column, reason) for o in outcomes for row, column, reason in o.row_errors
    ]
    append_rows(
        con,
        "ingest_errors",
        pl.DataFrame(
            [
                {
                    "sha256": o.sha256,
                    "file_name": o.file_name,
                    "athlete_id": o.athlete_id,
                    "row_number": row,
                    "column_name": column,
                    "reason": reason,
                    "hint": o.hint if row is None else None,
                    "recorded_at": now,
                }
                for o, row, column, reason in errors
            ],
            schema=INGEST_ERRORS.schema,
        ),
    )
