"""The files the coach keeps (roster, catalog, programs, enrolments, injuries, OSTRC, assessment
tests) as tables."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import polars as pl

from pipelines.ingest.inbox import CLUB_FILES, raw_path
from pipelines.ingest.registry import PARSER_VERSION, FileOutcome, record_outcomes
from pipelines.ingest.tables import TABLES
from pipelines.parsers.club.assessment_catalog import (
    AssessmentCatalog,
    default_assessment_tests_yaml,
)
from pipelines.parsers.club.assessments import CSV_COLUMNS, parse_assessments
from pipelines.parsers.club.exercise_catalog import ExerciseCatalog, default_catalog_yaml
from pipelines.parsers.club.files import parse_enrolments, parse_roster
from pipelines.parsers.club.injuries import parse_injuries
from pipelines.parsers.club.ostrc import parse_ostrc
from pipelines.parsers.club.ostrc_areas import default_ostrc_areas_yaml, parse_ostrc_areas
from pipelines.parsers.club.ostrc_instrument import instrument_frame
from pipelines.parsers.club.programs import default_programs_yaml, parse_programs
from pipelines.parsers.schemas import ParseError, RowError
from pipelines.settings import Settings
from pipelines.transform.runner import settings_frame
from pipelines.warehouse import ident, replace_table, table_exists, transaction

# An absent optional file reads as its header alone: no rows, the right columns.
EMPTY_FILES = {
    "enrolments.csv": b"athlete_id,program_id,start_date,end_date\n",
    "injuries.csv": b"athlete_id,onset_date,body_region\n",
    "ostrc.csv": b"athlete_id,week_start,q1,q2,q3,q4\n",
    "assessments.csv": ",".join(CSV_COLUMNS).encode() + b"\n",
}
DEFAULT_FILES = {
    "exercises.yaml": default_catalog_yaml,
    "programs.yaml": default_programs_yaml,
    "ostrc_areas.yaml": default_ostrc_areas_yaml,
    "assessment_tests.yaml": default_assessment_tests_yaml,
}


@dataclass(frozen=True)
class ClubFile:
    """One club file as read from the raw archive."""

    sha256: str
    athlete_id: None
    original_name: str
    data: bytes


def install_defaults(settings: Settings) -> list[str]:
    """Copy the shipped exercise catalog, program, OSTRC areas and assessment tests into club/ on
    first run; returns what was copied."""
    settings.club.mkdir(parents=True, exist_ok=True)
    copied = []
    for name, default in DEFAULT_FILES.items():
        target = settings.club / name
        if not target.exists():
            target.write_bytes(default())
            copied.append(name)
    return copied


def _read(settings: Settings, name: str) -> ClubFile | None:
    path = settings.club / name
    if not path.is_file():
        if name in EMPTY_FILES:
            return ClubFile("", None, name, EMPTY_FILES[name])
        return None
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    archived = raw_path(settings, sha)
    return ClubFile(
        sha, None, name, archived.read_bytes() if archived.exists() else path.read_bytes()
    )


def load_club_reference(
    con: duckdb.DuckDBPyConnection, settings: Settings
) -> dict[str, int] | None:
    """Parse every club file and replace the reference tables in one transaction.

    A file that cannot be used at all keeps its previous table and records why; bad rows are
    listed in ingest_errors and the good rows load. When no club file, setting or parser changed
    since the last load, nothing is parsed (the OSTRC sheet of a large club is tens of thousands
    of rows) and None is returned; otherwise the row count of each table written.
    """
    files = {name: _read(settings, name) for name in CLUB_FILES}
    fingerprint = _fingerprint(settings, files)
    if _loaded_fingerprint(con) == fingerprint:
        return None
    tables: dict[str, pl.DataFrame] = {
        "settings": settings_frame(settings.thresholds),
        "ostrc_instrument": instrument_frame(),
    }
    outcomes: list[FileOutcome] = []

    def parse(
        name: str, fn: Callable[[bytes], tuple[dict[str, pl.DataFrame], list[RowError]]]
    ) -> None:
        file = files[name]
        if file is None:
            return
        try:
            frames, errors = fn(file.data)
        except ParseError as err:
            if file.sha256:
                outcomes.append(FileOutcome.rejected(file, err.reason, err.hint))
            return
        tables.update(frames)
        if file.sha256:
            rows = sum(f.height for f in frames.values())
            outcomes.append(
                FileOutcome.ingested(
                    file, rows, [(e.row_number, e.column, e.reason) for e in errors]
                )
            )

    parse(
        "roster.csv",
        lambda d: _one("athletes", parse_roster(d, club_time_zone=settings.club_time_zone)),
    )
    catalog = ExerciseCatalog.default()

    def load_catalog(data: bytes) -> tuple[dict[str, pl.DataFrame], list[RowError]]:
        nonlocal catalog
        catalog = ExerciseCatalog.load(data)
        return {"exercise_catalog": catalog.to_frame()}, []

    parse("exercises.yaml", load_catalog)
    parse(
        "programs.yaml",
        lambda d: (
            dict(
                zip(
                    ("programs", "program_phases", "program_phase_sets"),
                    parse_programs(d, catalog.categories),
                    strict=True,
                )
            ),
            [],
        ),
    )
    roster_ids = _ids(con, tables, "athletes", "athlete_id")
    program_ids = _ids(con, tables, "programs", "program_id")
    parse(
        "enrolments.csv", lambda d: _one("enrolments", parse_enrolments(d, program_ids, roster_ids))
    )
    parse("injuries.csv", lambda d: _one("injuries", parse_injuries(d, roster_ids)))
    parse("ostrc_areas.yaml", lambda d: ({"ostrc_areas": parse_ostrc_areas(d)}, []))
    if "ostrc_areas" not in tables and not table_exists(con, "ostrc_areas"):
        tables["ostrc_areas"] = parse_ostrc_areas(default_ostrc_areas_yaml())
    area_codes = _ids(con, tables, "ostrc_areas", "area")
    parse("ostrc.csv", lambda d: _one("ostrc_responses", parse_ostrc(d, roster_ids, area_codes)))
    parse(
        "assessment_tests.yaml",
        lambda d: ({"assessment_measures": AssessmentCatalog.load(d).to_frame()}, []),
    )
    if "assessment_measures" not in tables and not table_exists(con, "assessment_measures"):
        tables["assessment_measures"] = AssessmentCatalog.default().to_frame()
    assessments = AssessmentCatalog.from_frame(
        tables["assessment_measures"]
        if "assessment_measures" in tables
        else con.table("assessment_measures").pl()
    )
    parse(
        "assessments.csv",
        lambda d: _assessment_tables(parse_assessments(d, roster_ids, assessments)),
    )
    if "athletes" not in tables and not table_exists(con, "athletes"):
        raise ParseError(
            "club/roster.csv is missing or unusable, so no file can be attributed to an athlete",
            "create club/roster.csv (see docs/CLUB_FILES.md) and run again",
        )
    with transaction(con):
        for name, frame in tables.items():  # `settings` is Thresholds' fields, not a declaration
            replace_table(con, name, TABLES[name].conform(frame) if name in TABLES else frame)
        record_outcomes(con, outcomes)
        replace_table(con, "club_reference_loaded", pl.DataFrame({"fingerprint": [fingerprint]}))
    return {name: frame.height for name, frame in tables.items()}


def _fingerprint(settings: Settings, files: dict[str, ClubFile | None]) -> str:
    """What the reference tables were built from: every club file, the settings, the parsers."""
    given = {
        "files": {name: file.sha256 if file else None for name, file in files.items()},
        "club_time_zone": settings.club_time_zone,
        "thresholds": dataclasses.asdict(settings.thresholds),
        "parser_version": PARSER_VERSION,
    }
    return hashlib.sha256(json.dumps(given, sort_keys=True).encode()).hexdigest()


def _loaded_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    if not (table_exists(con, "club_reference_loaded") and table_exists(con, "athletes")):
        return None
    rows = con.sql("select fingerprint from club_reference_loaded").fetchall()
    return rows[0][0] if rows else None


def _assessment_tables(
    parsed: tuple[pl.DataFrame, pl.DataFrame, list[RowError]],
) -> tuple[dict[str, pl.DataFrame], list[RowError]]:
    sessions, results, errors = parsed
    return {"assessment_csv_sessions": sessions, "assessment_csv_results": results}, errors


def _one(
    table: str, parsed: tuple[pl.DataFrame, list[RowError]]
) -> tuple[dict[str, pl.DataFrame], list[RowError]]:
    return {table: parsed[0]}, parsed[1]


def _ids(
    con: duckdb.DuckDBPyConnection, tables: dict[str, pl.DataFrame], table: str, column: str
) -> set[str]:
    if table in tables:
        return set(tables[table][column].to_list())
    if table_exists(con, table):
        return {r[0] for r in con.sql(f"select {ident(column)} from {ident(table)}").fetchall()}  # noqa: S608
    return set()
