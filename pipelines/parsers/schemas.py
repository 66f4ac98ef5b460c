"""The shapes every parser returns, and the one error type they raise.

Parsers are pure: bytes in, these objects out; they import neither dagster nor duckdb.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

# One row per recorded point, in recorded order; `t` is UTC and never decreases. `seg` increments
# after every pause (GPX trkseg break, TCX Track break, FIT timer stop/start) so timer time = sum of
# per-segment spans.
SAMPLE_SCHEMA: dict[str, pl.DataType] = {
    "t": pl.Datetime("us", "UTC"),
    "lat": pl.Float64,
    "lon": pl.Float64,
    "ele": pl.Float64,
    "dist_m": pl.Float64,  # device cumulative distance when the file has one, else null
    "hr": pl.Float64,
    "cad": pl.Float64,
    "seg": pl.Int32,
}


# The engine of the parsers' queries. Each runs on one file's frames (tens to thousands of rows),
# where the default engine (streaming, in polars 2) costs ~0.5 ms more per query to start than the
# whole query takes in memory: most of a small file's parsing time.
ENGINE = "in-memory"


def empty_samples() -> pl.DataFrame:
    """A zero-row frame with the sample schema."""
    return pl.DataFrame(schema=SAMPLE_SCHEMA)


class ParseError(Exception):
    """A file (or row) we cannot use, with a reason a member understands and what to do about it."""

    def __init__(self, reason: str, hint: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.hint = hint


class DeviceDataFile(ParseError):
    """A watch's own settings, totals or health-data file: no activity, and no fault of the member's
    (Garmin's account export keeps thousands of them beside the activities)."""


NOT_AN_ACTIVITY = "not a recorded activity"


@dataclass(frozen=True)
class DeveloperField:
    """One developer field of an activity (a Connect IQ app's or an accessory's, e.g. Stryd's) as
    its description names it, summarised over the records that hold a value."""

    developer_data_index: int
    field_number: int
    name: str
    units: str | None
    records: int  # records with a value
    median: float
    p25: float
    p75: float


@dataclass
class ParsedActivity:
    """One activity as the file states it, before cleaning."""

    source_format: str  # gpx | tcx | fit
    # one of settings.SPORTS; None when the file states none (summarize infers it from the speeds)
    sport: str | None
    samples: pl.DataFrame  # SAMPLE_SCHEMA
    start_utc: datetime | None = None  # from the file's summary if it has one, else first sample
    name: str | None = None
    device_distance_m: float | None = None  # session / lap totals stated by the device
    device_timer_s: float | None = None
    device_elapsed_s: float | None = None
    device_avg_hr: float | None = None
    # The samples cover only part of what the device totals state (TCX laps over a few points):
    # the stated distance stands for the activity even where the samples would give a GPS one.
    samples_partial: bool = False
    index_in_file: int = 0  # multisport / multi-track files give several activities
    warnings: list[str] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)  # e.g. Strava name/type/gear
    # Running form (FIT runs): medians and quartiles of the running dynamics, by the column names
    # of fit_dynamics.DYNAMICS_COLUMNS; empty when the file holds none.
    dynamics: dict[str, float | None] = field(default_factory=dict)
    developer_fields: list[DeveloperField] = field(default_factory=list)
    watch_rpe: float | None = None  # the athlete's post-activity RPE on the watch, CR-10 (0-10)
    watch_feel: float | None = None  # how the athlete felt, 0 (very weak) to 100 (very strong)
    device: str | None = None  # FIT: the recording device, "<manufacturer> <product>" (fit_device)


@dataclass(frozen=True)
class RowError:
    """One row of a CSV we could not load: where it is (spreadsheet row, header = row 1) and why."""

    row_number: int | None  # null when the problem is not tied to one row
    column: str | None  # the column as the file names it, null when the whole row is at fault
    reason: str  # what is wrong and what to do, in the coach's words
