"""What the ingestion benchmark compares against, on the same files, in one process, parse only.

- Baseline: the parsers peer tools use. gpxpy for GPX (FitTrackee, many Strava tools), fitdecode for
  FIT; for TCX (python-tcxparser is not installed) the standard library's ElementTree turning each
  Trackpoint into typed values, as tcxreader does. Each reads the file and builds typed points.
- Floor: the bare read-and-decode work any parser must do. XML: read the bytes, `lxml.etree.fromstring`,
  visit every point element and read the text of each of its descendants (the values have to be
  looked at once). FIT: our own `decode_fit` (header walk, every record unpacked, CRC check), the
  fastest decoder here, with no cleaning, summary or insert.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import fitdecode
import gpxpy
from lxml import etree

from pipelines.parsers.activity.fit_decoder import decode_fit

TCX_NS = "{http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2}"
GPX_POINT = "{http://www.topografix.com/GPX/1/1}trkpt"
TCX_FIELDS = {
    "time": TCX_NS + "Time",
    "lat": f"{TCX_NS}Position/{TCX_NS}LatitudeDegrees",
    "lon": f"{TCX_NS}Position/{TCX_NS}LongitudeDegrees",
    "ele": TCX_NS + "AltitudeMeters",
    "dist": TCX_NS + "DistanceMeters",
    "hr": f"{TCX_NS}HeartRateBpm/{TCX_NS}Value",
}


def gpxpy_points(path: Path) -> int:
    """Points gpxpy reads from a GPX file."""
    gpx = gpxpy.parse(path.read_text(encoding="utf-8"))
    return sum(len(segment.points) for track in gpx.tracks for segment in track.segments)


def fitdecode_points(path: Path) -> int:
    """Record messages fitdecode decodes from a FIT file (every message is decoded on the way)."""
    records = 0
    with fitdecode.FitReader(str(path)) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "record":
                records += 1
    return records


def _number(text: str | None) -> float | None:
    return float(text) if text else None


def elementtree_tcx_points(path: Path) -> int:
    """Trackpoints read with ElementTree into typed values, as tcxreader does."""
    points = []
    for element in ElementTree.parse(path).getroot().iter(TCX_NS + "Trackpoint"):
        time_text = element.findtext(TCX_FIELDS["time"])
        point = {
            name: _number(element.findtext(tag))
            for name, tag in TCX_FIELDS.items()
            if name != "time"
        }
        point["time"] = datetime.fromisoformat(time_text) if time_text else None
        points.append(point)
    return len(points)


def _xml_floor(path: Path, point_tag: str) -> int:
    root = etree.fromstring(path.read_bytes())
    points = 0
    for point in root.iter(point_tag):
        for element in point.iter():
            element.text  # noqa: B018 - reading every value is the work being measured
        points += 1
    return points


def floor_gpx_points(path: Path) -> int:
    """Bare lxml read of a GPX file's points."""
    return _xml_floor(path, GPX_POINT)


def floor_tcx_points(path: Path) -> int:
    """Bare lxml read of a TCX file's points."""
    return _xml_floor(path, TCX_NS + "Trackpoint")


def floor_fit_points(path: Path) -> int:
    """Records our FIT decoder reads, and nothing else."""
    return decode_fit(path.read_bytes()).records.height


BASELINE: dict[str, Callable[[Path], int]] = {
    "gpx": gpxpy_points,
    "fit": fitdecode_points,
    "tcx": elementtree_tcx_points,
}
FLOOR: dict[str, Callable[[Path], int]] = {
    "gpx": floor_gpx_points,
    "fit": floor_fit_points,
    "tcx": floor_tcx_points,
}


def time_readers(
    readers: dict[str, Callable[[Path], int]], files: dict[str, list[Path]]
) -> dict[str, dict[str, float]]:
    """Per format: points read, wall seconds and CPU seconds, one file after another."""
    timings = {}
    for fmt, paths in files.items():
        wall, cpu = time.perf_counter(), time.process_time()
        points = sum(readers[fmt](path) for path in paths)
        timings[fmt] = {
            "points": points,
            "seconds": time.perf_counter() - wall,
            "cpu_s": time.process_time() - cpu,
        }
    return timings
