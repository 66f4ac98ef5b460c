"""What a file states that cannot be true: "no reading" sensor marks, impossible dates, totals that
contradict each other, and files that recorded nothing at all.

Every format has its own ways of writing "nothing here": a heart rate of 0 or 255, a cadence of 255,
a date at the 32-bit minimum (1901-12-13) or the FIT epoch. They are caught here, once, after parsing
and before cleaning, so each format's quirks cannot leak into a member's averages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import polars as pl

from pipelines.parsers.schemas import ParsedActivity, ParseError

# The physical range of each sensor's readings; anything outside is a recorder's "no reading" mark
# (0 or 255 for heart rate, 255 or 65535 for cadence, -9999 for altitude) or a damaged value.
SENSOR_LIMITS: dict[str, tuple[float, float, str]] = {
    "hr": (20.0, 250.0, "heart-rate"),  # bpm: resting lows near 30, maxima near 220
    "cad": (0.0, 250.0, "cadence"),  # steps, strides or pedal turns per minute
    "ele": (-500.0, 9000.0, "altitude"),  # m: the Dead Sea shore to above Everest
}
# No GPS watch recorded before 1990 (FIT's own epoch is 1989-12-31); a day of slack in the future
# covers a watch whose clock runs a little ahead, not one that reset to 2038 or 2106.
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# A device's elapsed time may exceed the points' span (an auto-paused end, a lap closed later),
# but not by more than this factor plus this margin: beyond, one of the two is wrong.
ELAPSED_SLACK_FACTOR, ELAPSED_SLACK_S = 2.0, 3600.0
TIMER_SLACK = 1.01  # timer above elapsed by more than 1% (and a second) contradicts itself
DATE_HINT = "check the date and time on the watch, then export the activity again"


def sensor_readings() -> dict[str, pl.Expr]:
    """Each sensor column with values outside its physical range set to null (no reading)."""
    return {
        name: pl.when(pl.col(name).is_between(low, high)).then(pl.col(name))
        for name, (low, high, _) in SENSOR_LIMITS.items()
    }


def placeholder_counts() -> pl.Expr:
    """How many timed values of each sensor are outside its range: a struct by sensor label."""
    timed = pl.col("t").is_not_null()
    return pl.struct(
        **{
            label: (timed & pl.col(name).is_not_null() & ~pl.col(name).is_between(low, high)).sum()
            for name, (low, high, label) in SENSOR_LIMITS.items()
        }
    )


def placeholder_warnings(counts: dict[str, int]) -> list[str]:
    """One sentence per sensor whose "no reading" values were ignored."""
    ranges = {label: (low, high) for low, high, label in SENSOR_LIMITS.values()}
    return [
        f"ignored {count} {label} values outside {ranges[label][0]:g} to {ranges[label][1]:g} "
        "(the sensor's 'no reading' mark)"
        for label, count in counts.items()
    ]


def plausible_device_hr(value: float | None) -> float | None:
    """A device-stated average heart rate, or None when it is a "no reading" mark."""
    low, high, _ = SENSOR_LIMITS["hr"]
    return value if value is not None and low <= value <= high else None


def latest_plausible(now: datetime | None = None) -> datetime:
    """The latest time an activity can have happened: now, with a day of clock slack."""
    return (now or datetime.now(UTC)) + FUTURE_SLACK


def _is_possible(time: datetime, latest: datetime) -> bool:
    return EARLIEST <= time <= latest


def _epoch_us(time: datetime) -> int:
    return (time - EPOCH) // timedelta(microseconds=1)


def _as_utc(time: datetime) -> datetime:
    return time.replace(tzinfo=UTC) if time.tzinfo is None else time.astimezone(UTC)


@dataclass(frozen=True)
class PointTimes:
    """What one activity's points say about when it happened and whether it recorded anything."""

    impossible: int  # points dated before 1990 or after the latest plausible time
    example: datetime | None  # the first of them
    first: datetime | None  # the earliest possible time
    measured: bool  # a possible point holds a position, distance or sensor reading


NO_POINTS = PointTimes(0, None, None, False)
MEASURED = ("lat", "dist_m", "hr", "cad", "ele")


def possible_points(
    samples: pl.DataFrame, key: str, activities: int, latest: datetime
) -> tuple[pl.DataFrame, list[PointTimes]]:
    """A batch's samples (keyed by `key`, 0 to `activities` - 1) without the points dated before
    1990 or after `latest`, and what each activity's points say (`PointTimes`)."""
    # in microseconds since the epoch: an aware datetime literal costs ~0.5 ms per activity
    in_range = pl.col("t").dt.epoch("us").is_between(_epoch_us(EARLIEST), _epoch_us(latest))
    impossible = pl.col("t").is_not_null() & ~in_range
    flagged = samples.with_columns(_impossible=impossible)
    possible = ~pl.col("_impossible")
    times = dict.fromkeys(range(activities), NO_POINTS) | {
        row[0]: PointTimes(*row[1:])
        for row in flagged.group_by(key)
        .agg(
            impossible=pl.col("_impossible").sum(),
            example=pl.col("t").filter("_impossible").first(),
            first=pl.col("t").filter(possible).min(),
            measured=pl.any_horizontal(
                pl.col(name).filter(possible).is_not_null().any() for name in MEASURED
            ),
        )
        .rows()
    }
    if any(found.impossible for found in times.values()):
        samples = samples.filter(pl.col("t").is_null() | in_range)
    return samples, [times[activity] for activity in range(activities)]


def possible_start(
    activity: ParsedActivity, points: PointTimes, latest: datetime
) -> tuple[datetime | None, list[str]]:
    """The activity's start if one is possible (its file's, else its first possible point's), and
    what was changed; ParseError when no time in the file is possible (a placeholder date or a
    reset clock), since such a file cannot be placed in anyone's training week."""
    warnings = []
    if points.impossible:
        warnings.append(
            f"left out {points.impossible} points dated {points.example:%Y-%m-%d %H:%M} UTC, which "
            "cannot be when the activity happened (a placeholder date or a reset clock)"
        )
    stated = _as_utc(activity.start_utc) if activity.start_utc else None
    start = stated if stated is None or _is_possible(stated, latest) else points.first
    if start is None and (stated or points.impossible):
        example = stated or points.example
        raise ParseError(
            f"every time in the file is impossible (such as {example:%Y-%m-%d %H:%M} UTC): "
            "a placeholder date or a reset clock, not when the activity happened",
            DATE_HINT,
        )
    if start is not stated and not points.impossible:  # else the points' warning says it
        warnings.append(
            f"the file's start ({stated:%Y-%m-%d %H:%M} UTC) is impossible: the first point's "
            "time is used"
        )
    return start, warnings


def refuse_empty_recording(activity: ParsedActivity, points: PointTimes) -> None:
    """Refuse an activity whose file holds times and nothing measured: no position, distance,
    sensor reading or device total. Junk that happens to parse must not become a run."""
    stated = activity.device_distance_m or activity.device_timer_s or activity.device_elapsed_s
    if not points.measured and not stated:
        raise ParseError(
            "the file holds no position, distance, heart rate or other reading, only times: "
            "nothing was recorded",
            "export the recorded activity again from the watch or app",
        )


@dataclass(frozen=True)
class Durations:
    """Elapsed and timer seconds after checking the device's figures against each other."""

    elapsed_s: float
    timer_s: float
    warnings: list[str]


def consistent_durations(
    device_elapsed_s: float | None,
    device_timer_s: float | None,
    span_s: float,
    samples_timer_s: float,
    samples_partial: bool = False,
) -> Durations:
    """Elapsed and timer time: the device's own figures unless they contradict each other or the
    points (an elapsed time of weeks for two hours of points, a timer above elapsed), then the
    points' figures, with a warning naming both. Timer never exceeds elapsed. Points the parser
    marked partial (a few TCX points under whole laps) cannot contradict the device."""
    warnings = []
    elapsed = device_elapsed_s if device_elapsed_s is not None else span_s
    has_points = span_s > 0 and not samples_partial
    if has_points and elapsed > ELAPSED_SLACK_FACTOR * span_s + ELAPSED_SLACK_S:
        warnings.append(
            f"the device's elapsed time ({elapsed / 3600:.1f} h) is far longer than its points "
            f"({span_s / 3600:.1f} h): the points' span is used"
        )
        elapsed = span_s
    timer = device_timer_s if device_timer_s is not None else samples_timer_s
    if timer > TIMER_SLACK * elapsed + 1:
        replacement = min(samples_timer_s, elapsed) if has_points else elapsed
        warnings.append(
            f"the timer time ({timer / 60:.1f} min) is above the elapsed time "
            f"({elapsed / 60:.1f} min), which cannot be: {replacement / 60:.1f} min is used"
        )
        timer = replacement
    return Durations(float(elapsed), float(min(timer, elapsed)), warnings)
