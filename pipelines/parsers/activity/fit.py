"""FIT activity files to activities: one per session, timer pauses as segments, read leniently.

A session gives its activity's start and the device's totals; what it leaves out, its laps give. A
session with no start at all begins where the one written before it ends (the first: with the first
record). Records belong to sessions by time, and timer pauses are placed by the events' times, not
by where the events are in the file: some apps write every timer event before the records. A session
with a start and a timer total but no timed record (a pool swim whose records carry no time) is kept
with its totals only. A recording stored twice (identical chained files) is counted once.
"""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from pipelines.parsers.activity.fit_decoder import FIT_EPOCH_S, SYSTEM_TIME_LIMIT, decode_fit
from pipelines.parsers.activity.fit_device import device_name
from pipelines.parsers.activity.fit_dynamics import record_dynamics, summaries
from pipelines.parsers.activity.fit_messages import FitMessages
from pipelines.parsers.schemas import (
    ENGINE,
    NOT_AN_ACTIVITY,
    SAMPLE_SCHEMA,
    DeveloperField,
    DeviceDataFile,
    ParsedActivity,
    ParseError,
    empty_samples,
)

SEMICIRCLE_DEG = 180 / 2**31
CRC_WARNING = "CRC mismatch: the file may be damaged; its contents were read"
NO_DATE = "the watch recorded no date or time for this activity"
NO_DATE_HINT = (
    "upload the file from the watch maker's app (e.g. Garmin Connect), which adds the date, "
    "instead of copying it off the watch"
)
TOTALS_ONLY = "no recorded points with a time: only the session totals are available"

# FIT profile numbers: sport -> settings.SPORTS; running sub_sports (trail 3, treadmill 1, indoor 45)
_RUNNING = 1
_SPORTS = {1: "running", 2: "cycling", 5: "swimming", 11: "walking", 12: "skiing", 13: "skiing"}
_SPORTS |= {15: "rowing", 16: "hiking", 17: "hiking", 21: "cycling"}
_RUNNING_SUB_SPORTS = {1: "treadmill_running", 3: "trail_running", 45: "treadmill_running"}
_FITNESS_EQUIPMENT, _INDOOR_ROWING = 4, 14
_ACTIVITY_FILE, _COURSE_FILE = 4, 6
_OTHER_FILES = {5: "a planned workout", _COURSE_FILE: "a course or planned route"}
_TIMER, _START = 0, 0
_STOPS = {1, 4, 8, 9}  # stop, stop_all, stop_disable, stop_disable_all
_TOTALS = ("total_elapsed_time", "total_timer_time", "total_distance")
_UINT32_END = 2**32  # FIT times and totals are uint32 fields: anything else is damage


def sport_of(sport: int | None, sub_sport: int | None) -> str:
    """The settings.SPORTS name of a FIT sport and sub_sport."""
    if sport == _RUNNING:
        return _RUNNING_SUB_SPORTS.get(sub_sport, "running")  # type: ignore[arg-type]
    if sport == _FITNESS_EQUIPMENT and sub_sport == _INDOOR_ROWING:
        return "rowing"
    return _SPORTS.get(sport, "other")  # type: ignore[arg-type]


def _refuse_unusable(messages: FitMessages, sessions: list[dict]) -> None:
    kind = next((f["type"] for f in messages.file_ids if f.get("type") is not None), _ACTIVITY_FILE)
    if kind != _ACTIVITY_FILE:
        what = _OTHER_FILES.get(kind, "a settings, totals or health-data file")
        hint = "export the recorded activity" + (", not the course" if kind == _COURSE_FILE else "")
        error = ParseError if kind in _OTHER_FILES else DeviceDataFile
        raise error(f"{NOT_AN_ACTIVITY}: {what}", hint)
    if not messages.records.is_empty() or any(map(_summed, sessions)):
        return
    if messages.damage:
        raise ParseError(
            f"the file is {messages.damage} before its first recorded point",
            "copy the file from the watch again once it has finished saving the activity",
        )
    raise ParseError(
        "the file holds no recorded points",
        "the watch may have saved an empty activity: export it again from the watch's app",
    )


def _clock_offset(messages: FitMessages, first_time: int) -> tuple[int, list[str]]:
    """Seconds that turn device-relative times (since power-on) into FIT UTC times, with why."""
    for activity in messages.activities:
        local, at = activity.get("local_timestamp"), activity.get("timestamp")
        if local and local >= SYSTEM_TIME_LIMIT and at is not None and at < SYSTEM_TIME_LIMIT:
            return int(local - at), [
                "the watch recorded only its local clock time, not UTC: times are read as UTC "
                "and may be off by the time-zone offset"
            ]
    created = next((f["time_created"] for f in messages.file_ids if f.get("time_created")), None)
    if created and created >= SYSTEM_TIME_LIMIT:
        return int(created - first_time), [
            "the watch recorded no clock time with the points: the start is the file's creation time"
        ]
    raise ParseError(NO_DATE, NO_DATE_HINT)


def _clock(messages: FitMessages, sessions: list[dict]) -> tuple[int, bool, list[str]]:
    """The offset that makes the records' times UTC, whether device-relative times are kept, why.

    Without a timed record, the starts of the sessions with totals set the clock.
    """
    times = messages.records["timestamp"].drop_nulls()
    starts = [s["start_time"] for s in sessions if s.get("start_time") is not None]
    clock = times if times.len() else pl.Series([s["start_time"] for s in sessions if _summed(s)])
    if clock.is_empty():
        raise ParseError(NO_DATE, NO_DATE_HINT)
    offset, relative, warnings = 0, clock.max() < SYSTEM_TIME_LIMIT, []
    if relative:
        offset, warnings = _clock_offset(messages, min(starts, default=clock.min()))
    kept = times.len() if relative else int((times >= SYSTEM_TIME_LIMIT).sum())
    left_out = messages.records.height - kept
    if left_out:
        warnings.append(f"{left_out} points had no clock time and were left out")
    return offset, relative, warnings


def _segments(messages: FitMessages) -> pl.Series:
    """Times of the timer starts that resume after a stop, in time order: each opens a segment.

    Events are taken in the order of their times, which need not be their order in the file.
    """
    timer = sorted(
        (
            e
            for e in messages.events
            if e.get("event") == _TIMER and _fit_time(e.get("timestamp")) is not None
        ),
        key=lambda event: event["timestamp"],
    )
    resumes, stopped = [], False
    for event in timer:
        kind = event.get("event_type")
        if kind == _START and stopped:
            resumes.append(event["timestamp"])
        stopped = kind in _STOPS or (stopped and kind != _START)
    return pl.Series("resumes", resumes, pl.Int64)


def _samples(
    messages: FitMessages, sessions: list[dict], offset: int, relative: bool
) -> pl.DataFrame:
    """Samples of every timed record, with the session each belongs to, ordered by session and time,
    and the record's running dynamics and developer fields.

    A record belongs to the last session started by its time (the first if none was); its segment
    counts the timer restarts at or before its time, from 0 in each session.
    """
    starts = pl.Series([s["from"] for s in sessions], dtype=pl.Int64)
    session = pl.lit(starts).search_sorted(pl.col("timestamp"), side="right").cast(pl.Int32) - 1
    resumes = pl.lit(_segments(messages))
    seg = resumes.search_sorted(pl.col("timestamp"), side="right").cast(pl.Int32)
    timed = pl.col("timestamp").is_not_null()
    return (
        messages.records.lazy()
        .filter(timed if relative else timed & (pl.col("timestamp") >= SYSTEM_TIME_LIMIT))
        .select(
            *record_dynamics(messages.records),
            *messages.developer_fields,
            t=((pl.col("timestamp") + (offset + FIT_EPOCH_S)) * 1_000_000).cast(
                pl.Datetime("us", "UTC")
            ),
            lat=pl.col("position_lat") * SEMICIRCLE_DEG,
            lon=pl.col("position_long") * SEMICIRCLE_DEG,
            ele=pl.col("altitude"),
            dist_m=pl.col("distance"),
            hr=pl.col("heart_rate"),
            cad=pl.col("cadence"),
            seg=seg,
            session=session.clip(lower_bound=0),
        )
        .with_columns(pl.col("seg") - pl.col("seg").min().over("session"))
        .sort("session", "t", maintain_order=True)
        .cast(SAMPLE_SCHEMA | {"session": pl.Int32})  # type: ignore[arg-type]
        .collect(engine=ENGINE)
    )


def _utc(fit_seconds: float | None, offset: int) -> datetime | None:
    try:
        return datetime.fromtimestamp(fit_seconds + offset + FIT_EPOCH_S, UTC)  # type: ignore[operator]
    except (TypeError, ValueError, OverflowError, OSError):
        return None  # no start, or one outside what a datetime can hold: the samples give it


def _fit_time(value: object) -> int | None:
    """A FIT date_time as read: None when missing or not a whole number a uint32 field holds."""
    return value if isinstance(value, int) and 0 <= value < _UINT32_END else None


def _total(value: object) -> float | None:
    """A FIT total as read (a scaled uint32): None when missing or out of that range."""
    return value if isinstance(value, int | float) and 0 <= value < _UINT32_END else None


def _unsummed(sport: dict, first_time: int = 0) -> dict:
    """A stand-in session for records the watch never summed up: sport known, totals unknown."""
    return {"sport": sport.get("sport"), "sub_sport": sport.get("sub_sport"), "from": first_time}


def _summed(session: dict) -> bool:
    """Whether the session states a start and a timer total: an activity even without points."""
    return session.get("start_time") is not None and session.get("total_timer_time") is not None


def _laps_of(session: dict, laps: list[dict], alone: bool) -> list[dict]:
    """The session's laps: those its first_lap_index and num_laps name, or a lone session's all."""
    first, count = session.get("first_lap_index"), session.get("num_laps")
    if isinstance(first, int) and isinstance(count, int):
        return laps[first : first + count]
    return laps if alone else []


def _with_laps(session: dict, laps: list[dict]) -> dict:
    """The session with what it leaves out taken from its laps: their first start, their sums."""
    lap_starts = [start for lap in laps if (start := _fit_time(lap.get("start_time"))) is not None]
    start = _fit_time(session.get("start_time"))
    filled = session | {"start_time": min(lap_starts, default=None) if start is None else start}
    for total in _TOTALS:
        values = [_total(lap.get(total)) for lap in laps]
        if session.get(total) is None and values and None not in values:
            filled[total] = sum(values)  # type: ignore[arg-type]
    return filled


def _last_second(session: dict) -> int:
    """The last whole second of the session: start times are whole seconds, elapsed ones are not."""
    return int(session["from"] + (_total(session.get("total_elapsed_time")) or 0)) + 1


def _sessions(messages: FitMessages) -> list[dict]:
    """Sessions in time order, each with `from`, the first time that belongs to it.

    A session with no start, its own or its laps', begins after the session written before it
    (the file's first: with its first record). A file without sessions (an unfinished recording)
    gets one stand-in; a damaged multisport file whose records run past its last session gets one
    more for the leg cut off before its summary.
    """
    sessions: list[dict] = []
    alone = len(messages.sessions) == 1
    for session in messages.sessions:  # a watch writes its sessions in the order they happened
        filled = _with_laps(session, _laps_of(session, messages.laps, alone))
        start = filled["start_time"]
        if start is None:
            start = _last_second(sessions[-1]) + 1 if sessions else 0
        sessions.append(filled | {"from": start})
    if not sessions:
        return [_unsummed(messages.sports[0] if messages.sports else {})]
    sessions.sort(key=lambda session: session["from"])
    end = _last_second(sessions[-1])
    if messages.damage and (messages.records["timestamp"].max() or 0) > end:  # type: ignore[operator]
        sessions.append(_unsummed(messages.sports[-1] if messages.sports else {}, end + 1))
    return sessions


def _watch_rating(session: dict, name: str, scale: float) -> float | None:
    """The session's workout_rpe or workout_feel on its scale (None: not stated, or out of range)."""
    value = session.get(name)
    return value / scale if isinstance(value, int) and 0 <= value <= 100 else None


def _activity(
    session: dict,
    samples: pl.DataFrame,
    offset: int,
    index: int,
    form: tuple[dict[str, float], list[DeveloperField]],
    device: str | None,
) -> ParsedActivity:
    return ParsedActivity(
        source_format="fit",
        sport=sport_of(session.get("sport"), session.get("sub_sport")),
        samples=samples,
        start_utc=_utc(session.get("start_time"), offset) or samples["t"].min(),  # type: ignore[arg-type]
        device_distance_m=session.get("total_distance"),
        device_timer_s=session.get("total_timer_time"),
        device_elapsed_s=session.get("total_elapsed_time"),
        device_avg_hr=session.get("avg_heart_rate"),
        index_in_file=index,
        dynamics=form[0],
        developer_fields=form[1],
        watch_rpe=_watch_rating(session, "workout_rpe", 10),  # stored as CR-10 x 10
        watch_feel=_watch_rating(session, "workout_feel", 1),
        device=device,
    )


def _legs(samples: pl.DataFrame) -> dict[int, pl.DataFrame]:
    """The samples (SAMPLE_SCHEMA) of each session, distance counted from the session's start."""
    sessions = samples.get_column("session")
    if sessions.n_unique() == 1:  # nearly every file: no partitioning query
        legs = {sessions[0]: pl.DataFrame([samples.get_column(name) for name in SAMPLE_SCHEMA])}
    else:
        legs = {
            key[0]: leg  # type: ignore[index]
            for key, leg in samples.select(*SAMPLE_SCHEMA, "session")
            .partition_by("session", as_dict=True, include_key=False)
            .items()
        }
    carried_max = 0.0
    for index in sorted(legs):
        distance = legs[index]["dist_m"]
        # Multisport watches keep counting distance across legs, some restart it: subtract what
        # was carried over, never more than the leg's own first value.
        carried = max(0.0, min(carried_max, distance.min() or 0.0))  # type: ignore[type-var]
        if carried:
            legs[index] = legs[index].with_columns(pl.col("dist_m") - carried)
        carried_max = max(carried_max, distance.max() or 0.0)  # type: ignore[type-var]
    return legs


def _repeated(copies: int) -> str:
    """The warning for a recording stored again in the same file, `copies` more times."""
    times = "twice" if copies == 1 else f"{copies + 1} times"
    return f"the file holds the same recording {times}: it was counted once"


def parse_fit(data: bytes) -> list[ParsedActivity]:
    """Activities in a FIT file (one per session of a multisport file), or ParseError."""
    messages = decode_fit(data)
    sessions = _sessions(messages)
    _refuse_unusable(messages, sessions)
    offset, relative, warnings = _clock(messages, sessions)
    if messages.crc_mismatch:
        warnings.append(CRC_WARNING)
    if messages.damage:
        warnings.append(f"{messages.damage}: salvaged {messages.records.height} records")
    if messages.repeated_files:
        warnings.append(_repeated(messages.repeated_files))
    samples = _samples(messages, sessions, offset, relative)
    running = {index for index, session in enumerate(sessions) if session.get("sport") == _RUNNING}
    form = summaries(samples, messages.developer_fields, running)
    legs = _legs(samples)
    device = device_name(messages.file_ids)
    activities = []
    for index, session in enumerate(sessions):
        leg = legs.get(index)
        if leg is None and not _summed(session):
            continue  # a session with neither points nor totals
        points = empty_samples() if leg is None else leg
        activity = _activity(session, points, offset, index, form.get(index, ({}, [])), device)
        activity.warnings = list(warnings) + ([TOTALS_ONLY] if leg is None else [])
        if session.get("sport") is None:
            activity.warnings.append("the file states no sport: taken as other")
        activities.append(activity)
    return activities
