"""TCX (Garmin Training Center) files to activities: laps, tracks as pauses, device lap totals.

Lap totals against trackpoints: exporters write laps that cover only part of the points (an
interval session whose last lap stops at 625 s while the points run on to 907 s) and points that
cover only part of the laps (5 points under laps of 180 km). Distance, timer and average HR come
from one source, chosen per activity:
- the points run beyond the laps: their greatest DistanceMeters (without distances on both sides,
  their timer: the spans of their tracks) exceeds the laps' sum by more than DISAGREEMENT, or the
  laps state no time. The laps are then a partial summary and the points are the record: distance
  from their DistanceMeters (else GPS, in summarize), timer and average HR from the samples.
- otherwise the laps are the record, the device's own totals. When the points fall short of them
  by more than DISAGREEMENT (in time or distance) the activity is `samples_partial`, so summarize
  keeps the lap distance rather than the points' GPS distance.
A disagreement either way is a warning with both figures. Laps count once only when identical (same
StartTime, time and distance): an interval session can start two different laps in the same second.
The start is the earlier of the first lap's StartTime and the first point; `<Id>` only when there
are neither, as some exporters cut it to the minute. Elapsed time runs from the start to the later
of the last lap's end and the last point.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

import numpy as np
import polars as pl
from lxml import etree

from pipelines.parsers.activity.sports import sport_from_label
from pipelines.parsers.activity.xml_common import (
    CAD,
    DIST,
    ELE,
    HR,
    LAT,
    LON,
    PointFormat,
    PointReader,
    PointsRead,
    T,
    XmlDocument,
    broken_xml_error,
    extension_field,
    in_recorded_order,
    parse_number,
    parse_times,
    read_xml,
)
from pipelines.parsers.schemas import NOT_AN_ACTIVITY, ParsedActivity, ParseError, empty_samples

COURSE_HINT = "export the recorded activity, not the route/course"
# Lap totals and the points' own figures differ by rounding and the seconds between laps; beyond
# this share one of them covers only part of the activity.
DISAGREEMENT = 0.05


@dataclass
class _Totals:
    """Distance, timer and average HR from one source, whether the samples are partial, and why."""

    distance_m: float | None
    timer_s: float | None
    avg_hr: float | None
    samples_partial: bool
    warnings: list[str]


@dataclass
class _Laps:
    """The lap totals of one activity, identical laps counted once."""

    elements: list[etree._Element]
    timer_s: float | None
    distance_m: float | None
    avg_hr: float | None
    duplicates: int
    start: datetime | None  # the first lap's StartTime
    span_s: float | None  # from the first lap's start to the last lap's end

    def totals(self, samples_partial: bool = False, warning: str | None = None) -> _Totals:
        """The laps as the record of the activity."""
        said = [warning] if warning else []
        return _Totals(self.distance_m, self.timer_s, self.avg_hr, samples_partial, said)


@dataclass
class _Figures:
    """What one source states: a distance (None without one) in a timer time."""

    distance_m: float | None
    timer_s: float

    def __str__(self) -> str:
        time = f"{self.timer_s:.0f} s"
        return f"{self.distance_m:.0f} m in {time}" if self.distance_m is not None else time


def _field_of_tag(ns: str) -> Callable[[str], int | None]:
    core = {
        ns + "Time": T,
        ns + "LatitudeDegrees": LAT,
        ns + "LongitudeDegrees": LON,
        ns + "AltitudeMeters": ELE,
        ns + "DistanceMeters": DIST,
        ns + "Value": HR,  # only HeartRateBpm has a Value inside a Trackpoint
        ns + "Cadence": CAD,
    }

    def field_of_tag(tag: str) -> int | None:
        return core[tag] if tag in core else extension_field(tag)

    return field_of_tag


POINTS = PointFormat("Trackpoint", _field_of_tag, searched=("Activity",))


def _known_sum(values: list[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return sum(known) if known else None


def _laps(activity: etree._Element, ns: str) -> _Laps:
    kept, times, distances, seen = [], [], [], set()
    for lap in activity.iterchildren(ns + "Lap"):
        time = parse_number(lap.findtext(ns + "TotalTimeSeconds"))
        distance = parse_number(lap.findtext(ns + "DistanceMeters"))
        # Only an identical lap is a duplicate: an interval session can start two laps in one second.
        key = (lap.get("StartTime"), time, distance)
        if key[0] is not None and key in seen:
            continue
        seen.add(key)
        kept.append(lap)
        times.append(time)
        distances.append(distance)
    hrs = [parse_number(lap.findtext(f"{ns}AverageHeartRateBpm/{ns}Value")) for lap in kept]
    # The device's average over the whole activity: lap averages weighted by lap time.
    weighted = [(hr, time) for hr, time in zip(hrs, times, strict=True) if hr and time]
    avg_hr = (
        sum(hr * time for hr, time in weighted) / sum(time for _, time in weighted)
        if weighted and len(weighted) == len(kept)
        else None
    )
    duplicates = sum(1 for _ in activity.iterchildren(ns + "Lap")) - len(kept)
    start, last_start = (
        parse_times([kept[0].get("StartTime"), kept[-1].get("StartTime")]) if kept else (None, None)
    )
    span_s = (
        (last_start - start).total_seconds() + times[-1]
        if start is not None and last_start is not None and times[-1] is not None
        else None
    )
    return _Laps(kept, _known_sum(times), _known_sum(distances), avg_hr, duplicates, start, span_s)


def _points(samples: pl.DataFrame) -> _Figures:
    """What the samples cover: their greatest DistanceMeters in the spans of their tracks."""
    time = samples.get_column("t").to_numpy().view(np.int64)  # microseconds
    _, which = np.unique(samples.get_column("seg").to_numpy(), return_inverse=True)
    first, last = np.full(which.max() + 1, time.max()), np.full(which.max() + 1, time.min())
    np.minimum.at(first, which, time)
    np.maximum.at(last, which, time)
    spans = timedelta(microseconds=int((last - first).sum()))
    return _Figures(samples["dist_m"].max(), spans.total_seconds())


def _points_run_beyond(points: _Figures, laps: _Figures) -> bool:
    """Whether the points cover more than the laps: by distance when both have one, else by time."""
    if points.distance_m is not None and laps.distance_m:
        return points.distance_m > laps.distance_m * (1 + DISAGREEMENT)
    return points.timer_s > laps.timer_s * (1 + DISAGREEMENT)


def _points_fall_short(points: _Figures, laps: _Figures) -> bool:
    """Whether the points cover less than the laps, in time or in distance."""
    short_distance = (
        points.distance_m is not None
        and laps.distance_m is not None
        and points.distance_m < laps.distance_m * (1 - DISAGREEMENT)
    )
    return short_distance or points.timer_s < laps.timer_s * (1 - DISAGREEMENT)


def _totals(points: _Figures, laps: _Laps) -> _Totals:
    """Distance, timer and average HR from the laps, unless the points run beyond them."""
    if laps.timer_s is None:
        return _Totals(points.distance_m, None, None, samples_partial=False, warnings=[])
    stated = _Figures(laps.distance_m, laps.timer_s)
    if _points_run_beyond(points, stated):
        warning = (
            f"the lap totals ({stated}) cover only part of the recorded points ({points}): "
            "the points are used"
        )
        return _Totals(points.distance_m, None, None, samples_partial=False, warnings=[warning])
    if _points_fall_short(points, stated):
        return laps.totals(
            samples_partial=True,
            warning=f"the recorded points ({points}) cover only part of the lap totals "
            f"({stated}): the lap totals are used",
        )
    return laps.totals()


def _start_and_elapsed(
    element: etree._Element, ns: str, laps: _Laps, samples: pl.DataFrame
) -> tuple[datetime | None, float | None]:
    """The start (the earlier of the first lap and the first point, else `<Id>`) and the elapsed
    time from it to the later of the last lap's end and the last point."""
    first, last = (samples["t"][0], samples["t"][-1]) if not samples.is_empty() else (None, None)
    start = min((time for time in (laps.start, first) if time is not None), default=None)
    if start is None:
        return parse_times([element.findtext(ns + "Id")])[0], None
    ends = [(last - start).total_seconds()] if last is not None else []
    if laps.start is not None and laps.span_s is not None:
        ends.append((laps.start - start).total_seconds() + laps.span_s)
    return start, max(ends, default=None)


def _no_activity(root: etree._Element, ns: str) -> ParseError:
    if root.find(f"{ns}Courses/{ns}Course") is not None:
        return ParseError(NOT_AN_ACTIVITY + ": a course (planned route)", COURSE_HINT)
    return ParseError(
        NOT_AN_ACTIVITY + ": the TCX file holds no recorded laps or points",
        "export the recorded activity from your watch app again",
    )


def _activity(
    element: etree._Element, ns: str, laps: _Laps, points: pl.DataFrame, file_warnings: list[str]
) -> ParsedActivity | None:
    """One Activity element as a ParsedActivity; None when it holds neither points nor lap totals."""
    warnings = list(file_warnings)
    if points.is_empty():
        if laps.timer_s is None:
            return None
        samples = empty_samples()
        totals = laps.totals()
        warnings.append("no recorded points: only the lap totals are available")
    else:
        samples, order_warnings = in_recorded_order(points)
        warnings += order_warnings
        totals = _totals(_points(samples), laps)
    start, elapsed = _start_and_elapsed(element, ns, laps, samples)
    if start is None:
        return None
    if laps.duplicates:
        warnings.append(
            f"{laps.duplicates} duplicated laps (same start, time and distance) were counted once"
        )
    sport, sport_warning = sport_from_label(element.get("Sport"))
    creator = element.findtext(f"{ns}Creator/{ns}Name")
    return ParsedActivity(
        source_format="tcx",
        sport=sport,
        samples=samples,
        start_utc=start,
        device_distance_m=totals.distance_m,
        device_timer_s=totals.timer_s,
        device_elapsed_s=elapsed,
        device_avg_hr=totals.avg_hr,
        samples_partial=totals.samples_partial,
        warnings=warnings + totals.warnings + ([sport_warning] if sport_warning else []),
        metadata={"creator": creator.strip()} if creator else {},
    )


def parse_tcx(data: bytes, read_runs: bool = True) -> list[ParsedActivity]:
    """Every activity in a TCX file (several for multisport files), in file order (`read_runs`:
    see `read_xml`)."""
    return read_tcx(data, read_runs).alone()


def read_tcx(data: bytes, read_runs: bool = True) -> PointsRead:
    """A TCX file read but for its points' values (see `PointsRead`)."""
    doc = read_xml(data, "TrainingCenterDatabase", "TCX", POINTS, read_runs)
    ns = doc.namespace
    reader = PointReader(doc)
    found = []
    for index, element in enumerate(doc.root.iter(ns + "Activity")):
        laps = _laps(element, ns)
        for lap in laps.elements:
            for track in lap.iterchildren(ns + "Track"):
                reader.read(track, ns + POINTS.point, group=index)
        found.append((element, laps))
    if reader.runs_unread:
        return read_tcx(data, read_runs=False)
    return PointsRead(reader, partial(_activities, doc, found))


def _activities(
    doc: XmlDocument,
    found: list[tuple[etree._Element, _Laps]],
    samples: pl.DataFrame,
    file_warnings: list[str],
) -> list[ParsedActivity]:
    """The file's activities, of its typed samples, in file order."""
    ns = doc.namespace
    if doc.damage:
        if samples.is_empty():
            raise broken_xml_error("TCX", doc.damage)
        file_warnings.append(doc.damage_warning)
    activities = []
    for index, (element, laps) in enumerate(found):
        points = samples if len(found) == 1 else samples.filter(pl.col("group") == index)
        activity = _activity(element, ns, laps, points, file_warnings)
        if activity is not None:
            activity.index_in_file = len(activities)
            activities.append(activity)
    if not activities:
        raise _no_activity(doc.root, ns)
    return activities
