"""GPX 1.0/1.1 files to activities: tracks grouped into outings, track segments as pauses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

import polars as pl
from lxml import etree

from pipelines.parsers.activity.sports import sport_from_label
from pipelines.parsers.activity.xml_common import (
    ELE,
    PointFormat,
    PointReader,
    PointsRead,
    T,
    XmlDocument,
    broken_xml_error,
    extension_field,
    in_recorded_order,
    local_name,
    parse_number,
    read_xml,
)
from pipelines.parsers.schemas import NOT_AN_ACTIVITY, ParsedActivity, ParseError

# Tracks closer than this are one outing split by pauses (GPSBabel writes one <trk> per device log
# chunk); further apart they are separate activities (MapSource writes one <trk> per day).
SEPARATE_OUTING_GAP = timedelta(hours=3)
ROUTE_HINT = "export the recorded activity, not the route/course"


# The recorder's own totals in Garmin's TrackStatsExtension v1, by local name (OpenTracks writes
# Distance and TimerTime; other recorders TotalElapsedTime too).
TRACK_TOTALS = ("Distance", "TimerTime", "TotalElapsedTime")


@dataclass
class _Track:
    name: str | None
    type: str | None
    distance_m: float | None
    timer_s: float | None
    elapsed_s: float | None


def _field_of_tag(namespace: str) -> Callable[[str], int | None]:
    core = {namespace + "time": T, namespace + "ele": ELE}

    def field_of_tag(tag: str) -> int | None:
        return core[tag] if tag in core else extension_field(tag)

    return field_of_tag


POINTS = PointFormat("trkpt", _field_of_tag)


def _text(element: etree._Element, path: str) -> str | None:
    text = element.findtext(path)
    return (text.strip() or None) if text is not None else None


def _track(trk: etree._Element, ns: str) -> _Track:
    stats = next(trk.iterchildren(ns + "extensions"), None)
    totals = {}
    if stats is not None:
        for element in stats.iter(etree.Element):
            if local_name(element.tag) in TRACK_TOTALS:
                totals.setdefault(local_name(element.tag), parse_number(element.text))
    return _Track(
        _text(trk, ns + "name"),
        _text(trk, ns + "type"),
        *(totals.get(name) for name in TRACK_TOTALS),
    )


def _outings(samples: pl.DataFrame) -> list[tuple[pl.DataFrame, list[int]]]:
    """The samples of each outing and its tracks (`group`s), in time order: a new outing starts
    after a gap longer than SEPARATE_OUTING_GAP. A file with one track with points is one outing."""
    groups = samples.get_column("group").to_numpy()
    if (groups == groups[0]).all():  # in numpy: polars' n_unique costs ~0.5 ms a call
        return [(samples, [int(groups[0])])]
    gap = pl.col("start") - pl.col("end").cum_max().shift()
    spans = (
        samples.group_by("group")
        .agg(start=pl.col("t").min(), end=pl.col("t").max())
        .sort("start", "group")
        .with_columns(outing=(gap > pl.lit(SEPARATE_OUTING_GAP)).fill_null(False).cum_sum())
    )
    samples = samples.join(spans.select("group", "outing"), on="group")
    return [
        (samples.filter(pl.col("outing") == outing), group_ids)
        for outing, group_ids in spans.group_by("outing", maintain_order=True)
        .agg("group")
        .iter_rows()
    ]


def _total(values: list[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return sum(known) if known and len(known) == len(values) else None


def _elapsed(tracks: list[_Track]) -> float | None:
    """The recorder's elapsed time of a one-track outing (pauses between tracks are in no total)."""
    return tracks[0].elapsed_s if len(tracks) == 1 else None


def _no_activity(doc: XmlDocument, reader: PointReader) -> ParseError:
    if doc.damage:
        return broken_xml_error("GPX", doc.damage)
    ns = doc.namespace
    if reader.points or doc.root.find(f"{ns}rte/{ns}rtept") is not None:
        return ParseError(NOT_AN_ACTIVITY + ": a planned route with no recorded times", ROUTE_HINT)
    return ParseError(NOT_AN_ACTIVITY + ": the GPX file has no track points", ROUTE_HINT)


def parse_gpx(data: bytes, read_runs: bool = True) -> list[ParsedActivity]:
    """Every recorded activity in a GPX file, in time order (`read_runs`: see `read_xml`)."""
    return read_gpx(data, read_runs).alone()


def read_gpx(data: bytes, read_runs: bool = True) -> PointsRead:
    """A GPX file read but for its points' values (see `PointsRead`)."""
    doc = read_xml(data, "gpx", "GPX", POINTS, read_runs)
    ns = doc.namespace
    reader = PointReader(doc)
    tracks: list[_Track] = []
    for trk in doc.root.iterchildren(ns + "trk"):
        tracks.append(_track(trk, ns))
        for trkseg in trk.iterchildren(ns + "trkseg"):
            reader.read(trkseg, ns + POINTS.point, group=len(tracks) - 1)
    if reader.runs_unread:
        return read_gpx(data, read_runs=False)
    return PointsRead(reader, partial(_activities, reader, tracks))


def _activities(
    reader: PointReader, tracks: list[_Track], samples: pl.DataFrame, file_warnings: list[str]
) -> list[ParsedActivity]:
    """The file's activities, of its typed samples, in time order."""
    doc = reader.doc
    ns = doc.namespace
    if samples.is_empty():
        raise _no_activity(doc, reader)
    if doc.damage:
        file_warnings.append(doc.damage_warning)
    file_name = _text(doc.root, f"{ns}metadata/{ns}name") or _text(doc.root, ns + "name")
    metadata = {"creator": doc.root.get("creator", "")}
    activities = []
    for outing, (outing_points, group_ids) in enumerate(_outings(samples)):
        outing_tracks = [tracks[g] for g in group_ids]
        type_in_file = next((t.type for t in outing_tracks if t.type), None)
        sport, sport_warning = sport_from_label(type_in_file)
        outing_samples, order_warnings = in_recorded_order(outing_points)
        activities.append(
            ParsedActivity(
                source_format="gpx",
                sport=sport,
                samples=outing_samples,
                start_utc=outing_samples["t"][0],
                name=next((t.name for t in outing_tracks if t.name), file_name),
                device_distance_m=_total([t.distance_m for t in outing_tracks]),
                device_timer_s=_total([t.timer_s for t in outing_tracks]),
                device_elapsed_s=_elapsed(outing_tracks),
                index_in_file=outing,
                warnings=file_warnings
                + order_warnings
                + ([sport_warning] if sport_warning else []),
                metadata=metadata | ({"type_in_file": type_in_file} if type_in_file else {}),
            )
        )
    return activities
