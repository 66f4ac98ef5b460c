"""Strength logs (club CSV, Strong, Hevy) into strength_sets rows, with every rejected row explained.

Row numbers are spreadsheet rows: the header is row 1, the first set is row 2. Loads are stored in kg.
Times in these files are local to the athlete's roster time zone and are converted to UTC here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from pipelines.parsers.club.exercise_catalog import ExerciseCatalog
from pipelines.parsers.csv_table import (
    IANA_TIME_ZONES,
    ROW,
    monday_of,
    read_csv_table,
    reject_broken_rows,
    stable_ids,
)
from pipelines.parsers.schemas import ParseError, RowError
from pipelines.parsers.strength.formats import LB_TO_KG, detect_layout, logged_sets
from pipelines.parsers.strength.rules import strength_rules
from pipelines.parsers.strength.strong_duration import unreadable_duration_warnings

STRENGTH_SET_SCHEMA: dict[str, pl.DataType] = {
    "athlete_id": pl.String(),
    "source_format": pl.String(),
    "row_number": pl.Int32(),
    "session_id": pl.String(),
    "session_start_utc": pl.Datetime("us", "UTC"),
    "local_date": pl.Date(),
    "week_start": pl.Date(),
    "workout_name": pl.String(),
    "exercise_logged": pl.String(),
    "exercise_id": pl.String(),
    "categories": pl.List(pl.String),
    "laterality": pl.String(),
    "set_number": pl.Int32(),
    "set_type": pl.String(),
    "reps": pl.Float64(),
    "load_kg": pl.Float64(),
    "rpe": pl.Float64(),
    "duration_s": pl.Float64(),
    "notes": pl.String(),
    "band": pl.String(),
    "band_level": pl.Float64(),
}
SESSION_SCHEMA: dict[str, pl.DataType] = {
    "session_id": pl.String(),
    "athlete_id": pl.String(),
    "source_format": pl.String(),
    "session_start_utc": pl.Datetime("us", "UTC"),
    "local_date": pl.Date(),
    "week_start": pl.Date(),
    "workout_name": pl.String(),
    "workout_notes": pl.String(),
    "duration_s": pl.Float64(),
    "sets": pl.UInt32(),
}


@dataclass
class StrengthParse:
    """What one strength file gave: the sets that loaded and why the others did not."""

    format: str  # club | strong | hevy
    sets: pl.DataFrame  # STRENGTH_SET_SCHEMA (strength_sets without file_sha256)
    rejected: list[RowError]
    workouts: int
    unmapped_exercises: dict[str, int]  # logged name -> sets, for the coach to map
    mapped_share: float  # share of loaded sets whose exercise is in the catalog
    skipped_rows: int = 0  # Strong rest-timer and other pseudo-rows, not sets and not errors
    sessions: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=SESSION_SCHEMA))
    warnings: list[str] = field(default_factory=list)  # what was read only in part, and how


def _local_to_utc(local: pl.Expr, time_zone: str) -> pl.Expr:
    """A naive local time as UTC, DST-correct: an autumn time that occurs twice takes the first
    (summer-time) instant; a spring time the clocks skipped is read one hour later, the same instant."""
    direct = local.dt.replace_time_zone(time_zone, ambiguous="earliest", non_existent="null")
    skipped = (local + pl.duration(hours=1)).dt.replace_time_zone(
        time_zone, ambiguous="earliest", non_existent="null"
    )
    return pl.coalesce(direct, skipped).dt.convert_time_zone("UTC")


def _session_start_utc(zones: list[str]) -> pl.Expr:
    """Each row's local start in UTC, using that row's athlete's time zone."""
    return pl.coalesce(
        pl.when(pl.col("time_zone") == zone).then(_local_to_utc(pl.col("start_local"), zone))
        for zone in zones
    )


def _with_sessions(sets: pl.DataFrame, source_format: str) -> pl.DataFrame:
    """Sets with their session (athlete, app and start), dates and a set number for unnumbered sets."""
    zones = sets["time_zone"].unique().to_list() or ["UTC"]
    timed = sets.with_columns(
        _session_start_utc(zones).alias("session_start_utc"),
        pl.col("start_local").dt.date().alias("local_date"),
        pl.lit(source_format).alias("source_format"),
    )
    session_key = pl.concat_str(
        pl.col("athlete_id"),
        pl.lit(source_format),
        pl.col("session_start_utc").dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        separator="|",
    )
    keyed = timed.with_columns(session_id=stable_ids(timed.select(session_key).to_series()))
    return keyed.with_columns(
        week_start=monday_of(pl.col("local_date")),
        set_number=pl.coalesce(
            pl.col("set_number"),
            pl.int_range(1, pl.len() + 1, dtype=pl.Int32).over("session_id", "exercise_logged"),
        ),
    )


def _sessions(sets: pl.DataFrame) -> pl.DataFrame:
    """One row per workout: its start, name, notes and duration as the app recorded them."""
    return (
        sets.group_by("session_id", maintain_order=True)
        .agg(
            pl.col(
                "athlete_id", "source_format", "session_start_utc", "local_date", "week_start"
            ).first(),
            pl.col("workout_name", "workout_notes", "session_duration_s").drop_nulls().first(),
            pl.len().alias("sets"),
        )
        .rename({"session_duration_s": "duration_s"})
        .select(list(SESSION_SCHEMA))
        .cast(SESSION_SCHEMA)
    )


def _band(catalog: ExerciseCatalog) -> pl.Expr:
    """The set's band colour: the club CSV's band column, else a colour word in the set's notes,
    else in the logged exercise name; null when none is named."""
    texts = (pl.col("band_given"), pl.col("notes"), pl.col("exercise_logged"))
    return pl.coalesce(catalog.bands.colour(text) for text in texts)


def _unknown_band_warnings(sets: pl.DataFrame) -> list[str]:
    """A warning per value of the club CSV's band column that the catalogue's bands do not name."""
    unknown = sets.filter(pl.col("band").is_null() & pl.col("band_given").is_not_null())
    return [
        f"band '{value}' is not a colour in the bands of club/exercises.yaml: its sets count "
        "as without a band until it is added"
        for value in unknown["band_given"].unique(maintain_order=True).to_list()
    ]


def _check_settings(weight_unit: str, time_zone: str, zones: Mapping[str, str]) -> None:
    if weight_unit not in ("kg", "lb"):
        raise ValueError(f"weight_unit must be 'kg' or 'lb', not {weight_unit!r}")
    unknown = sorted({time_zone, *zones.values()} - IANA_TIME_ZONES)
    if unknown:
        raise ValueError(f"not IANA time zones: {', '.join(unknown)}")


def parse_strength_csv(
    data: bytes,
    *,
    athlete_id: str | None,
    weight_unit: str,
    time_zone: str,
    catalog: ExerciseCatalog,
    roster_ids: set[str] | None = None,
    athlete_time_zones: Mapping[str, str] | None = None,
) -> StrengthParse:
    """A club, Strong or Hevy strength CSV as strength_sets rows; bad rows are listed, never fatal.

    `athlete_id` is the inbox folder's athlete (None for club/strength files, whose rows name their
    athletes); `weight_unit` is that athlete's Strong unit; `athlete_time_zones` gives other
    athletes' zones for multi-athlete club files (else `time_zone` applies).
    """
    zones = dict(athlete_time_zones or {})
    _check_settings(weight_unit, time_zone, zones)
    table = read_csv_table(data, "this strength file")
    layout = detect_layout(table)
    if layout.format != "club" and athlete_id is None:
        raise ParseError(
            f"a {layout.format.capitalize()} export has no athlete column",
            "upload it into the member's own inbox folder (inbox/<athlete_id>/)",
        )
    if athlete_id is not None and roster_ids is not None and athlete_id not in roster_ids:
        raise ParseError(
            f"the inbox folder '{athlete_id}' is not an athlete in the roster",
            "add the member to club/roster.csv, or move the file to the right athlete's folder",
        )
    logged = logged_sets(table, layout, weight_unit)
    warnings = unreadable_duration_warnings(logged) if layout.format == "strong" else []
    skipped_rows = int(logged["pseudo"].sum())
    given = pl.col("athlete_id") if layout.format == "club" else pl.lit(None, pl.String)
    logged = logged.filter(~pl.col("pseudo")).with_columns(
        athlete_given=given,
        athlete_id=pl.coalesce(given, pl.lit(athlete_id, pl.String)),
        load_kg=pl.when(pl.col("load_unit") == "lb")
        .then(pl.col("load_value") * LB_TO_KG)
        .when(pl.col("load_unit") != "bw")
        .then(pl.col("load_value")),
    )
    kept, rejected = reject_broken_rows(logged, strength_rules(layout, athlete_id, roster_ids))
    kept = kept.with_columns(
        time_zone=pl.col("athlete_id").replace_strict(
            zones, default=time_zone, return_dtype=pl.String
        )
    )
    given = pl.col("band") if layout.format == "club" else pl.lit(None, pl.String)
    sets = (
        catalog.annotate(_with_sessions(kept, layout.format))
        .with_columns(band_given=given)
        .with_columns(band=_band(catalog))
    )
    warnings += _unknown_band_warnings(sets)
    frame = (
        sets.with_columns(band_level=catalog.bands.level(pl.col("band")))
        .drop("reps", "rpe")
        .rename({"rpe_value": "rpe", "reps_value": "reps"})
        .select(list(STRENGTH_SET_SCHEMA))
        .cast(STRENGTH_SET_SCHEMA)
    )
    mapped = frame["exercise_id"].is_not_null()
    unmapped = (
        frame.filter(~mapped)
        .group_by("exercise_logged")
        .len()
        .sort(["len", "exercise_logged"], descending=[True, False])
    )
    return StrengthParse(
        format=layout.format,
        sets=frame.sort(ROW),
        rejected=rejected,
        workouts=frame["session_id"].n_unique(),
        unmapped_exercises=dict(unmapped.iter_rows()),
        mapped_share=float(mapped.mean()) if frame.height else 0.0,
        skipped_rows=skipped_rows,
        sessions=_sessions(sets),
        warnings=warnings,
    )
