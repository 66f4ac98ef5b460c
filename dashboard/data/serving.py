"""Read-only, cached queries on the published serving file, and the rules for whose rows a viewer gets."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields, replace
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

from dashboard.accounts.viewer import Viewer
from dashboard.config import CACHE_TTL_SECONDS, MetricSettings, load_config
from pipelines.settings import Thresholds

NO_DATA = "No data published yet: run `strongstride ingest` to build the dashboard's data."
STALE = (
    "The latest data could not be read ({error}); showing the last good data. "
    "Run `strongstride ingest` again, and check Data health if it keeps happening."
)
UNREADABLE = (
    "The published data could not be read ({error}). Run `strongstride ingest` again; "
    "if it keeps failing, ask the operator to check the pipeline's run log."
)
COACH_ONLY = "This view is for coaches only."

# The stamp of the last serving file that answered, per path: its cached results stay usable
# when a later file cannot be read.
_last_good: dict[str, tuple[int, int, int]] = {}


class DataUnavailable(Exception):
    """The serving file is missing or unreadable; the message says what to do."""


@dataclass(frozen=True)
class ServingStatus:
    """Whether data can be shown, the notice to show above it, and which publish it comes from."""

    readable: bool
    notice: str | None = None
    generation: int | None = None
    published_at: datetime | None = None


class _OpenVersion:
    """One read-only connection to the current version of the serving file, shared by the queries
    on it (a cursor each); a query on another version waits until they have finished.

    Opening the file costs 24 to 35 ms at 2,000 athletes, a quarter of the slowest coach query's
    budget, so a version is opened once, by its first query, and closed when a publish has put
    another in its place. DuckDB hands a `connect` to a path the database instance already open at
    that path, even when a publish has since renamed a new file over it: so the old version's
    connection is closed, with no query left on it, before the new file is opened; otherwise a query
    would read the old generation and cache it under the new file's stamp.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._version: tuple[str, tuple[int, int, int]] | None = None
        self._con: duckdb.DuckDBPyConnection | None = None
        self._open = 0

    @contextmanager
    def cursor(self, path: str, stamp: tuple[int, int, int]) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._changed:
            while self._open and self._version != (path, stamp):
                self._changed.wait()
            if self._version != (path, stamp) and self._con is not None:
                self._con.close()
                self._con = None
            self._version = (path, stamp)
            if self._con is None:
                self._con = duckdb.connect(path, read_only=True)
            cursor = self._con.cursor()
            self._open += 1
        try:
            yield cursor
        finally:
            cursor.close()
            with self._changed:
                self._open -= 1
                if not self._open:
                    self._changed.notify_all()


_VERSIONS = _OpenVersion()


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_ino, info.st_mtime_ns, info.st_size)


# cache_resource, not cache_data: cache_data pickles every result into the cache and unpickles it
# on every hit, 40 ms of a coach's 120 ms for 79 k weekly rows at 2,000 athletes; the frames are
# shared as they are instead (polars frames are not changed in place, and nothing here does).
@st.cache_resource(ttl=CACHE_TTL_SECONDS, max_entries=5000, show_spinner=False)
def _cached_select(
    path: str, stamp: tuple[int, int, int], sql: str, params: tuple[tuple[str, object], ...]
) -> pl.DataFrame:
    """One query on one version of the serving file (the stamp is in the cache key)."""
    with _VERSIONS.cursor(path, stamp) as con:
        frame = con.sql(sql, params=dict(params)).pl()
    # A sum of integers is a DuckDB HUGEINT, which polars reads as Decimal(38, 0) and plotly does
    # not draw (the strength calendar came out blank): whole-number decimals become Int64.
    whole = [n for n, t in frame.schema.items() if isinstance(t, pl.Decimal) and t.scale == 0]
    return frame.with_columns(pl.col(whole).cast(pl.Int64)) if whole else frame


def _short(err: Exception) -> str:
    return str(err).splitlines()[0][:200]


def select(sql: str, **params: object) -> pl.DataFrame:
    """Rows of a constant SQL statement with bound parameters, from the current (or last good) file."""
    path = load_config().serving_file
    stamp = _stamp(path)
    if stamp is None:
        raise DataUnavailable(NO_DATA)
    key = tuple(sorted(params.items()))
    try:
        frame = _cached_select(str(path), stamp, sql, key)
    except duckdb.Error as err:
        previous = _last_good.get(str(path))
        if previous is not None and previous != stamp:
            try:
                return _cached_select(str(path), previous, sql, key)
            except duckdb.Error:
                pass
        raise DataUnavailable(UNREADABLE.format(error=_short(err))) from err
    _last_good[str(path)] = stamp
    return frame


def subject(viewer: Viewer, athlete_id: str | None) -> str:
    """The athlete a member view may show: always a member's own; the coach's pick otherwise."""
    if not viewer.is_coach:
        return str(viewer.athlete_id)
    chosen = athlete_id or viewer.subject_athlete_id
    if not chosen:
        raise ValueError("Choose an athlete first.")
    return chosen


def coach_only(viewer: Viewer) -> None:
    """Refuse club-wide data to anyone but a coach."""
    if not viewer.is_coach:
        raise PermissionError(COACH_ONLY)


def serving_status(viewer: Viewer) -> ServingStatus:
    """Whether the published file can be read, and the notice every page shows above its data."""
    path = load_config().serving_file
    stamp = _stamp(path)
    if stamp is None:
        return ServingStatus(False, NO_DATA)
    try:
        meta = _cached_select(str(path), stamp, "SELECT * FROM serving_meta", ())
    except duckdb.Error as err:
        if str(path) in _last_good:
            return ServingStatus(True, STALE.format(error=_short(err)))
        return ServingStatus(False, UNREADABLE.format(error=_short(err)))
    _last_good[str(path)] = stamp
    if meta.is_empty():
        return ServingStatus(True)
    row = meta.row(0, named=True)
    notice = None
    if row.get("blocked_reason"):
        notice = (
            f"The latest run was not published because: {row['blocked_reason']}. "
            "You are seeing the last data that passed its checks."
        )
    return ServingStatus(True, notice, row.get("generation"), row.get("published_at"))


def published_thresholds(viewer: Viewer) -> dict[str, object]:
    """Every threshold the published numbers were computed with: serving_meta.settings over the
    pipeline's defaults (a setting the serving file does not carry keeps its default)."""
    defaults = asdict(Thresholds())
    try:
        meta = select("SELECT * FROM serving_meta")
    except DataUnavailable:
        return defaults
    if meta.is_empty() or "settings" not in meta.columns or not meta["settings"][0]:
        return defaults
    published = json.loads(meta["settings"][0])
    return defaults | {k: type(defaults[k])(v) for k, v in published.items() if k in defaults}


def metric_settings(viewer: Viewer) -> MetricSettings:
    """The thresholds shown next to the numbers they change, as published (published_thresholds)."""
    defaults = load_config().metric_defaults
    published = published_thresholds(viewer)
    return replace(defaults, **{f.name: published[f.name] for f in fields(defaults)})


def data_period(viewer: Viewer, athlete_id: str | None = None) -> tuple[date | None, date | None]:
    """First and last week with data: the athlete in view's, or the club's for a coach."""
    if viewer.is_coach and not (athlete_id or viewer.subject_athlete_id):
        frame = select(
            "SELECT min(week_start) AS first, max(week_start) AS last FROM mart_club_weekly"
        )
    else:
        frame = select(
            "SELECT min(week_start) AS first, max(week_start) AS last FROM mart_athlete_weekly "
            "WHERE athlete_id = $athlete",
            athlete=subject(viewer, athlete_id),
        )
    return frame["first"][0], frame["last"][0]
