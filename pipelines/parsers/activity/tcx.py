"""TCX (Garmin Training Center) files to activities: laps, tracks as pauses, device lap totals.

The start is the earlier of the first lap's StartTime and the first point; `<Id>` only when there
are neither, as some exporters cut it to the minute.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

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
    PointReader,
    T,
    broken_xml_error,
    extension_field,
    in_time_order,
    parse_number,
    parse_time,
    read_xml,
    samples_from_points,
)
from pipelines.parsers.schemas import NOT_AN_ACTIVITY, ParsedActivity, ParseError, empty_samples

COURSE_HINT = "export the recorded activity, not the route/course"
# Lap totals and the points' own distance may differ by rounding; beyond this share, say so.
DISTANCE_DISAGREEMENT = 0.05


@dataclass
class _Laps:
    """The lap totals of one activity, identical laps counted once."""

    elements: list[etree._Element]
    timer_s: float | None
    distance_m: float | None
    avg_hr: float | None
    duplicates: int


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
    return _Laps(kept, _known_sum(times), _known_sum(distances), avg_hr, duplicates)


def _device_distance(samples: pl.DataFrame, laps: _Laps) -> tuple[float | None, list[str]]:
    """The trackpoints' greatest DistanceMeters, else the lap sum; warn when the two disagree."""
    points = samples["dist_m"].max() if not samples.is_empty() else None
    if points is None:
        return laps.distance_m, []
    if laps.distance_m and abs(points - laps.distance_m) > DISTANCE_DISAGREEMENT * laps.distance_m:
        return points, [
            f"the lap totals ({laps.distance_m:.0f} m) and the recorded points ({points:.0f} m) "
            "disagree: the points' distance is used"
        ]
    return points, []


def _start(element: etree._Element, ns: str, laps: _Laps, samples: pl.DataFrame) -> datetime | None:
    """The earlier of the first lap's StartTime and the first point; `<Id>` only without either,
    as some exporters cut it to the minute."""
    first_lap = parse_time(laps.elements[0].get("StartTime")) if laps.elements else None
    first_point = samples["t"][0] if not samples.is_empty() else None
    return min(
        (time for time in (first_lap, first_point) if time is not None),
        default=parse_time(element.findtext(ns + "Id")),
    )


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
        warnings.append("no recorded points: only the lap totals are available")
    else:
        samples, order_warnings = in_time_order(points)
        warnings += order_warnings
    start = _start(element, ns, laps, samples)
    if start is None:
        return None
    if laps.duplicates:
        warnings.append(
            f"{laps.duplicates} duplicated laps (same start, time and distance) were counted once"
        )
    distance, distance_warnings = _device_distance(samples, laps)
    sport, sport_warning = sport_from_label(element.get("Sport"))
    creator = element.findtext(f"{ns}Creator/{ns}Name")
    return ParsedActivity(
        source_format="tcx",
        sport=sport,
        samples=samples,
        start_utc=start,
        device_distance_m=distance,
        device_timer_s=laps.timer_s,
        device_avg_hr=laps.avg_hr,
        warnings=warnings + distance_warnings + ([sport_warning] if sport_warning else []),
        metadata={"creator": creator.strip()} if creator else {},
    )


def parse_tcx(data: bytes) -> list[ParsedActivity]:
    """Every activity in a TCX file (several for multisport files), in file order."""
    doc = read_xml(data, "TrainingCenterDatabase", "TCX")
    ns = doc.namespace
    reader = PointReader(_field_of_tag(ns))
    found = []
    for index, element in enumerate(doc.root.iter(ns + "Activity")):
        laps = _laps(element, ns)
        for lap in laps.elements:
            for track in lap.iterchildren(ns + "Track"):
                reader.read(track.iterchildren(ns + "Trackpoint"), group=index)
        found.append((element, laps))
    samples, file_warnings = samples_from_points(reader)
    if doc.damage:
        if samples.is_empty():
            raise broken_xml_error("TCX", doc.damage)
        file_warnings.append(f"the file is damaged ({doc.damage}): only the readable part was used")
    activities = []
    for index, (element, laps) in enumerate(found):
        points = samples.filter(pl.col("group") == index)
        activity = _activity(element, ns, laps, points, file_warnings)
        if activity is not None:
            activity.index_in_file = len(activities)
            activities.append(activity)
    if not activities:
        raise _no_activity(doc.root, ns)
    return activities
