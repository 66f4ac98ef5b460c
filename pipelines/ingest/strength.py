"""Parse archived strength logs (club CSV, Strong, Hevy) into strength_sets, listing every bad row."""

from __future__ import annotations

import duckdb
import polars as pl

from pipelines.ingest.activities import unknown_athlete
from pipelines.ingest.inbox import raw_path
from pipelines.ingest.registry import (
    FileOutcome,
    FileRef,
    files_to_parse,
    parse_or_reject,
    record_outcomes,
)
from pipelines.ingest.tables import STRENGTH_SETS
from pipelines.parsers.club.exercise_catalog import ExerciseCatalog
from pipelines.parsers.schemas import ParseError
from pipelines.parsers.strength.sets import parse_strength_csv
from pipelines.settings import Settings
from pipelines.warehouse import append_rows, transaction


def _catalog(con: duckdb.DuckDBPyConnection, settings: Settings) -> ExerciseCatalog:
    path = settings.club / "exercises.yaml"
    try:
        return (
            ExerciseCatalog.load(path.read_bytes()) if path.is_file() else ExerciseCatalog.default()
        )
    except ParseError:
        return ExerciseCatalog.default()


# strength logs loaded per transaction: a member's log holds years of sets (~570 at 2,000 athletes
# x 3 years), so a first import held over a million sets' frames at once before writing them
LOAD_FILES = 64


def load_strength_files(con: duckdb.DuckDBPyConnection, settings: Settings) -> dict[str, int]:
    """Parse every pending strength file and load its sets, `LOAD_FILES` files per transaction (a
    run stopped in between leaves the rest pending for the next)."""
    pending = files_to_parse(con, ["strength"])
    roster = {
        athlete_id: (unit, zone)
        for athlete_id, unit, zone in con.sql(
            "select athlete_id, weight_unit, time_zone from athletes"
        ).fetchall()
    }
    zones = {athlete_id: zone for athlete_id, (_, zone) in roster.items()}
    catalog = _catalog(con, settings)
    counts = {"files": 0, "sets": 0}
    for chunk in pending.iter_slices(LOAD_FILES):
        frames: list[pl.DataFrame] = []
        outcomes: list[FileOutcome] = []
        for sha, athlete_id, name, _kind in chunk.iter_rows():
            job = FileRef(sha, athlete_id, name)
            if athlete_id is not None and athlete_id not in roster:
                outcomes.append(FileOutcome.rejected(job, *unknown_athlete(athlete_id)))
                continue
            unit, zone = roster.get(athlete_id, ("kg", settings.club_time_zone))
            parsed = parse_or_reject(
                job,
                lambda sha=sha, athlete_id=athlete_id, unit=unit, zone=zone: parse_strength_csv(
                    raw_path(settings, sha).read_bytes(),
                    athlete_id=athlete_id,
                    weight_unit=unit,
                    time_zone=zone,
                    catalog=catalog,
                    roster_ids=set(roster),
                    athlete_time_zones=zones,
                ),
            )
            if isinstance(parsed, FileOutcome):
                outcomes.append(parsed)
                continue
            frames.append(parsed.sets.with_columns(file_sha256=pl.lit(sha)))
            outcomes.append(
                FileOutcome.ingested(
                    job,
                    parsed.sets.height,
                    [(e.row_number, e.column, e.reason) for e in parsed.rejected],
                )
            )
        _load(con, frames, outcomes)
        counts["files"] += len(outcomes)
        counts["sets"] += sum(f.height for f in frames)
    return counts


def _load(
    con: duckdb.DuckDBPyConnection, frames: list[pl.DataFrame], outcomes: list[FileOutcome]
) -> None:
    """One chunk's sets (replacing any the same files loaded before) and outcomes, together."""
    shas = [o.sha256 for o in outcomes]
    with transaction(con):
        con.sql("delete from strength_sets where list_contains(?, file_sha256)", params=[shas])
        if frames:
            append_rows(
                con,
                STRENGTH_SETS.name,
                STRENGTH_SETS.conform(pl.concat(frames, how="diagonal_relaxed")),
            )
        record_outcomes(con, outcomes)
