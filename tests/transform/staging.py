"""Tiny staging tables written straight into a real DuckDB file, shaped by the table declarations."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import duckdb
import polars as pl

from pipelines.ingest.tables import TABLES
from pipelines.parsers.club.assessment_catalog import AssessmentCatalog
from pipelines.parsers.club.ostrc_instrument import INSTRUMENTS, QUESTIONS
from pipelines.settings import Thresholds
from pipelines.transform.club_graph import club_model_graph
from pipelines.transform.runner import settings_frame
from pipelines.warehouse import append_rows, replace_table

# The tables the pipeline loads, as pipelines/ingest/tables.py declares them (and the loaders write).
STAGING_TABLES = TABLES

LOWER_LIMB = {
    "hip",
    "groin",
    "thigh",
    "hamstring",
    "knee",
    "lower_leg",
    "shin",
    "calf",
    "achilles",
    "ankle",
    "foot",
}


def create_staging(con: duckdb.DuckDBPyConnection, thresholds: Thresholds | None = None) -> None:
    """Empty staging tables plus the one-row settings table and the shipped assessment catalogue
    (which the club loader installs on first run)."""
    for table in STAGING_TABLES.values():
        append_rows(con, table.name, table.empty())
    replace_table(con, "settings", settings_frame(thresholds or Thresholds()))
    replace_table(con, "assessment_measures", AssessmentCatalog.default().to_frame())


def insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    """Append rows given as dicts (missing columns stay null)."""
    append_rows(con, table, pl.DataFrame(rows, infer_schema_length=None))


def build_models(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Build the whole model graph with its checks on the staging tables, as the pipeline does."""
    return club_model_graph().run(con)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def run(athlete_id: str, day: date, km: float = 10.0, minutes: float = 50.0, **extra) -> dict:
    """A canonical running activity on a day (local times equal UTC here)."""
    activity_id = extra.pop(
        "activity_id", f"{athlete_id}-{day.isoformat()}-{extra.get('name', 'run')}"
    )
    start = datetime.combine(day, time(7, 0))
    return {
        "activity_id": activity_id,
        "athlete_id": athlete_id,
        "sport": "running",
        "is_running": True,
        "name": "run",
        "start_utc": start.replace(tzinfo=UTC),
        "start_local": start,
        "local_date": day,
        "week_start": monday(day),
        "distance_m": km * 1000.0,
        "moving_s": minutes * 60.0,
        "timer_s": minutes * 60.0,
        "elapsed_s": minutes * 60.0 + 60.0,
        "pace_s_per_km": minutes * 60.0 / km,
        "gap_s_per_km": minutes * 60.0 / km,
        **extra,
    }


def strength_set(athlete_id: str, session: str, day: date, categories: list[str], **extra) -> dict:
    """One working set in a session; the exercise is named after its categories."""
    return {
        "athlete_id": athlete_id,
        "file_sha256": "f" * 64,
        "source_format": "club",
        "session_id": session,
        "local_date": day,
        "week_start": monday(day),
        "exercise_logged": "+".join(categories) or "Mystery move",
        "exercise_id": "+".join(categories) or None,
        "categories": categories,
        "set_type": "normal",
        "reps": 10,
        **extra,
    }


def injury(
    injury_id: str, athlete_id: str, onset: date, modified: int, stopped: int, **extra
) -> dict:
    """An injury with its case definitions derived as CLUB_FILES.md says."""
    region = extra.pop("body_region", "knee")
    consulted = extra.pop("consulted_professional", False)
    lower = region in LOWER_LIMB
    return {
        "injury_id": injury_id,
        "athlete_id": athlete_id,
        "onset_date": onset,
        "body_region": region,
        "side": "left",
        "modified_days": modified,
        "stopped_days": stopped,
        "consulted_professional": consulted,
        "lower_limb": lower,
        "running_related_injury": lower and (modified + stopped >= 7 or consulted),
        "time_loss": stopped >= 1,
        "any_complaint": True,
        **extra,
    }


def ostrc(
    athlete_id: str, week: date, q1: int, q2: int, q3: int, q4: int, area: str = "all"
) -> dict:
    """An OSTRC answer of the 2013 version (1.0), scored as CLUB_FILES.md says, about one body area
    ("all" = the whole body, as before areas)."""
    codes = (q1, q2, q3, q4)
    instrument = INSTRUMENTS["1.0"]
    scores = [instrument.scores(q)[c] for q, c in zip(QUESTIONS, codes, strict=True)]
    return {
        "athlete_id": athlete_id,
        "week_start": week,
        "area": area,
        "instrument_version": "1.0",
        **{f"q{i}": c for i, c in enumerate(codes, 1)},
        **{f"q{i}_score": s for i, s in enumerate(scores, 1)},
        "severity": sum(scores),
        "problem": any(c > 0 for c in codes),
        "substantial_problem": q2 >= 2 or q3 >= 2 or q1 == 3,
    }
