"""Tiny staging tables written straight into a real DuckDB file, shaped as docs/DATA_MODEL.md says."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import duckdb
import polars as pl

from pipelines.settings import SQL_ROOT, Thresholds
from pipelines.transform import club_model_graph
from pipelines.transform.runner import settings_frame
from pipelines.warehouse import append_rows, replace_table

STAGING_DDL = {
    "files": """sha256 VARCHAR, athlete_id VARCHAR, original_name VARCHAR, inbox_path VARCHAR,
        kind VARCHAR, size_bytes BIGINT, received_at TIMESTAMPTZ, status VARCHAR, items BIGINT,
        error VARCHAR, hint VARCHAR, parser_version BIGINT""",
    "ingest_errors": """sha256 VARCHAR, file_name VARCHAR, athlete_id VARCHAR, row_number INTEGER,
        column_name VARCHAR, reason VARCHAR, hint VARCHAR, recorded_at TIMESTAMPTZ""",
    "athletes": """athlete_id VARCHAR, display_name VARCHAR, sex VARCHAR, birth_year INTEGER,
        weight_unit VARCHAR, time_zone VARCHAR, hr_rest DOUBLE, hr_max DOUBLE, training_group VARCHAR""",
    "activities": """activity_id VARCHAR, athlete_id VARCHAR, file_sha256 VARCHAR, source_format VARCHAR,
        source VARCHAR, name VARCHAR, sport VARCHAR, is_running BOOLEAN, start_utc TIMESTAMPTZ,
        time_zone VARCHAR, time_zone_source VARCHAR, start_local TIMESTAMP, local_date DATE,
        iso_year INTEGER, iso_week INTEGER, week_start DATE, distance_m DOUBLE, distance_source VARCHAR,
        elapsed_s DOUBLE, timer_s DOUBLE, moving_s DOUBLE, elev_gain_m DOUBLE, avg_hr DOUBLE,
        max_hr DOUBLE, avg_cadence DOUBLE, n_points INTEGER, has_hr BOOLEAN, pace_s_per_km DOUBLE,
        gap_s_per_km DOUBLE, best_1k_s DOUBLE, best_5k_s DOUBLE, best_10k_s DOUBLE, ef DOUBLE,
        decoupling_pct DOUBLE, is_steady BOOLEAN, trimp DOUBLE, warnings VARCHAR[],
        duplicate_of VARCHAR""",
    "activity_samples": """activity_id VARCHAR, t TIMESTAMPTZ, elapsed_s DOUBLE, lat DOUBLE, lon DOUBLE,
        ele DOUBLE, ele_smooth DOUBLE, dist_m DOUBLE, hr DOUBLE, cad DOUBLE, seg INTEGER""",
    "strength_sets": """athlete_id VARCHAR, file_sha256 VARCHAR, source_format VARCHAR,
        row_number INTEGER, session_id VARCHAR, session_start_utc TIMESTAMPTZ, local_date DATE,
        week_start DATE, workout_name VARCHAR, exercise_logged VARCHAR, exercise_id VARCHAR,
        categories VARCHAR[], laterality VARCHAR, set_number INTEGER, set_type VARCHAR, reps INTEGER,
        load_kg DOUBLE, rpe DOUBLE, duration_s DOUBLE, notes VARCHAR""",
    "exercise_catalog": """exercise_id VARCHAR, name VARCHAR, equipment VARCHAR, laterality VARCHAR,
        categories VARCHAR[], aliases VARCHAR[]""",
    "programs": "program_id VARCHAR, name VARCHAR, total_weeks INTEGER",
    "program_phases": """program_id VARCHAR, phase_index INTEGER, phase_name VARCHAR, first_week INTEGER,
        last_week INTEGER, sessions_per_week INTEGER, required_categories VARCHAR[]""",
    "program_phase_sets": "program_id VARCHAR, phase_index INTEGER, category VARCHAR, sets_per_week INTEGER",
    "enrolments": "athlete_id VARCHAR, program_id VARCHAR, start_date DATE, end_date DATE",
    "injuries": """injury_id VARCHAR, athlete_id VARCHAR, onset_date DATE, body_region VARCHAR,
        side VARCHAR, description VARCHAR, modified_days INTEGER, stopped_days INTEGER,
        consulted_professional BOOLEAN, lower_limb BOOLEAN, running_related_injury BOOLEAN,
        time_loss BOOLEAN, any_complaint BOOLEAN""",
    "ostrc_responses": """athlete_id VARCHAR, week_start DATE, q1 INTEGER, q2 INTEGER, q3 INTEGER,
        q4 INTEGER, q1_score INTEGER, q2_score INTEGER, q3_score INTEGER, q4_score INTEGER,
        severity INTEGER, problem BOOLEAN, substantial_problem BOOLEAN""",
    "check_results": """check_name VARCHAR, asset VARCHAR, severity VARCHAR, passed BOOLEAN,
        offending_rows BIGINT, description VARCHAR, checked_at TIMESTAMPTZ, run_id VARCHAR""",
}

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
Q_SCORES = ([0, 8, 17, 25], [0, 6, 13, 19, 25], [0, 6, 13, 19, 25], [0, 8, 17, 25])


def create_staging(con: duckdb.DuckDBPyConnection, thresholds: Thresholds | None = None) -> None:
    """Empty staging tables plus the one-row settings table."""
    for table, columns in STAGING_DDL.items():
        con.sql(f"create table {table} ({columns})")
    replace_table(con, "settings", settings_frame(thresholds or Thresholds()))


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


def ostrc(athlete_id: str, week: date, q1: int, q2: int, q3: int, q4: int) -> dict:
    """An OSTRC-O2 answer scored as CLUB_FILES.md says."""
    codes = (q1, q2, q3, q4)
    scores = [table[c] for table, c in zip(Q_SCORES, codes, strict=True)]
    return {
        "athlete_id": athlete_id,
        "week_start": week,
        **{f"q{i}": c for i, c in enumerate(codes, 1)},
        **{f"q{i}_score": s for i, s in enumerate(scores, 1)},
        "severity": sum(scores),
        "problem": any(c > 0 for c in codes),
        "substantial_problem": q2 >= 2 or q3 >= 2 or q1 == 3,
    }
