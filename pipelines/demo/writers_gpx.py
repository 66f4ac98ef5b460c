"""Recordings as GPX 1.1 the way Garmin Connect exports them (TrackPointExtension v1 hr/cad)."""

from __future__ import annotations

from xml.sax.saxutils import escape

import numpy as np

from pipelines.demo.runs import Recording

HEADER = """\
<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="Garmin Connect"
  xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd http://www.garmin.com/xmlschemas/GpxExtensions/v3 http://www.garmin.com/xmlschemas/GpxExtensionsv3.xsd http://www.garmin.com/xmlschemas/TrackPointExtension/v1 http://www.garmin.com/xmlschemas/TrackPointExtensionv1.xsd"
  xmlns="http://www.topografix.com/GPX/1/1"
  xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
  xmlns:gpxx="http://www.garmin.com/xmlschemas/GpxExtensions/v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <metadata>
    <link href="connect.garmin.com">
      <text>Garmin Connect</text>
    </link>
    <time>{time}</time>
  </metadata>
  <trk>
    <name>{name}</name>
    <type>{sport}</type>
    <trkseg>
"""
FOOTER = "    </trkseg>\n  </trk>\n</gpx>\n"
SEGMENT_BREAK = "    </trkseg>\n    <trkseg>\n"
POINT = """\
      <trkpt lat="%.7f" lon="%.7f">
        <ele>%.1f</ele>
        <time>%s.000Z</time>
        <extensions>
          <gpxtpx:TrackPointExtension>
            <gpxtpx:hr>%d</gpxtpx:hr>
            <gpxtpx:cad>%d</gpxtpx:cad>
          </gpxtpx:TrackPointExtension>
        </extensions>
      </trkpt>
"""
POINT_NO_HR = """\
      <trkpt lat="%.7f" lon="%.7f">
        <ele>%.1f</ele>
        <time>%s.000Z</time>
      </trkpt>
"""
COMPACT_POINT = (
    '<trkpt lat="%.6f" lon="%.6f"><ele>%.1f</ele><time>%sZ</time><extensions>'
    "<gpxtpx:TrackPointExtension><gpxtpx:hr>%d</gpxtpx:hr><gpxtpx:cad>%d</gpxtpx:cad>"
    "</gpxtpx:TrackPointExtension></extensions></trkpt>\n"
)
COMPACT_POINT_NO_HR = '<trkpt lat="%.6f" lon="%.6f"><ele>%.1f</ele><time>%sZ</time></trkpt>\n'


def iso_times(unix_s: np.ndarray) -> list[str]:
    """ISO 8601 UTC times (without the zone letter), vectorised."""
    return np.datetime_as_string(unix_s.astype("datetime64[s]"), unit="s").tolist()


def segment_starts(seg: np.ndarray) -> list[int]:
    """Indices where a new segment (after a pause) begins, plus the end."""
    return [0, *(np.flatnonzero(np.diff(seg)) + 1).tolist(), len(seg)]


def gpx_bytes(rec: Recording, compact: bool = False) -> bytes:
    """One activity as a GPX file; `compact` writes one short line per point (large clubs)."""
    times = iso_times(rec.t)
    columns = [rec.lat.tolist(), rec.lon.tolist(), rec.ele.tolist(), times]
    if rec.hr is not None:
        template = COMPACT_POINT if compact else POINT
        columns += [rec.hr.astype(np.int64).tolist(), rec.cad.astype(np.int64).tolist()]
    else:
        template = COMPACT_POINT_NO_HR if compact else POINT_NO_HR
    points = [template % row for row in zip(*columns, strict=True)]
    bounds = segment_starts(rec.seg)
    body = SEGMENT_BREAK.join(
        "".join(points[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)
    )
    sport = "running" if rec.plan.sport == "running" else "cycling"
    head = HEADER.format(time=times[0] + ".000Z", name=escape(rec.plan.name), sport=sport)
    return (head + body + FOOTER).encode("utf-8")
