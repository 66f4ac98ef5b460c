"""Points read by pattern (xml_runs) give exactly what lxml's loop gives: on every real GPX/TCX file,
on the demo club's files, and on hand-built files the pattern must not read (those fall back)."""

from __future__ import annotations

import dataclasses
import gzip
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from polars.testing import assert_frame_equal

from pipelines.demo.routes import CITIES, home_in, make_loop
from pipelines.demo.runs import ActivityPlan, record_activities
from pipelines.demo.writers_gpx import gpx_bytes
from pipelines.demo.writers_tcx import tcx_bytes
from pipelines.parsers.activity import gpx, tcx
from pipelines.parsers.activity.xml_common import read_xml
from pipelines.parsers.schemas import ParsedActivity, ParseError

PARSERS = {
    "gpx": (gpx.parse_gpx, "gpx", gpx.POINTS),
    "tcx": (tcx.parse_tcx, "TrainingCenterDatabase", tcx.POINTS),
}
GPX11 = "http://www.topografix.com/GPX/1/1"
TPX_V1 = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
TPX_V2 = "http://www.garmin.com/xmlschemas/TrackPointExtension/v2"
TCX2 = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"


def outcome(parse: Callable, data: bytes, read_runs: bool) -> list[dict] | tuple[str, str]:
    """What a parser returns (every field, samples as a frame) or the error it raises."""
    try:
        activities: list[ParsedActivity] = parse(data, read_runs=read_runs)
    except ParseError as error:
        return error.reason, error.hint
    return [{f.name: getattr(a, f.name) for f in dataclasses.fields(a)} for a in activities]


def assert_same_either_way(data: bytes, fmt: str) -> None:
    parse = PARSERS[fmt][0]
    fast, lxml_only = outcome(parse, data, True), outcome(parse, data, False)
    if isinstance(fast, tuple) or isinstance(lxml_only, tuple):
        assert fast == lxml_only
        return
    assert len(fast) == len(lxml_only)
    for by_pattern, by_lxml in zip(fast, lxml_only, strict=True):
        assert_frame_equal(by_pattern.pop("samples"), by_lxml.pop("samples"))
        assert by_pattern == by_lxml


def points_by_pattern(data: bytes, fmt: str) -> int:
    """How many points `read_xml` leaves to the pattern (0 when lxml reads them all)."""
    _, root, points = PARSERS[fmt]
    try:
        doc = read_xml(data, root, fmt.upper(), points)
    except ParseError:
        return 0
    return sum(doc.runs.sizes) if doc.runs is not None else 0


def real_files(realdata: Path) -> list[tuple[str, bytes, str]]:
    found = []
    for path in sorted(realdata.rglob("*")):
        name = path.name.removesuffix(".gz")
        if name.endswith((".gpx", ".tcx")):
            data = path.read_bytes()
            found.append(
                (path.name, gzip.decompress(data) if path.suffix == ".gz" else data, name[-3:])
            )
    return found


def test_every_real_file_reads_the_same_by_pattern(realdata: Path) -> None:
    files = real_files(realdata)
    assert len(files) == 13  # MANIFEST: 7 GPX, 6 TCX (one gzipped)
    for _, data, fmt in files:
        assert_same_either_way(data, fmt)
    by_pattern = {name: points_by_pattern(data, fmt) for name, data, fmt in files}
    # Every real file has its points (or most of them) in runs: the test covers the fast path.
    assert by_pattern["garmin-connect_run_hr.gpx"] == 206
    assert by_pattern["garmin-fr410_run_hr_3laps.tcx"] == 384
    assert by_pattern["garmin_run_scrubbed-gps-hr.tcx.gz"] == 313
    assert by_pattern["opentracks_walk_hr_utc-offset.gpx"] == 141


def demo_recordings() -> list:
    rng = np.random.default_rng(3)
    city = CITIES[0]
    route = make_loop(rng, "loop", home_in(city, rng), 4000.0, city.base_ele_m, 20.0)
    plans = [
        ActivityPlan(
            sport,
            1_767_000_000 + k * 86_400,
            900,
            route,
            3.0 if sport == "running" else 7.0,
            3.6,
            50.0,
            185.0,
            has_hr,
            pauses,
            f"Run {k}",
            city.time_zone,
        )
        for k, (sport, has_hr, pauses) in enumerate(
            [("running", True, 2), ("cycling", True, 0), ("running", False, 1)]
        )
    ]
    return record_activities(plans, rng, every_s=1.0)


@pytest.mark.parametrize("writer", ["gpx", "gpx compact", "tcx"])
def test_the_demo_clubs_files_are_read_by_pattern_alike(writer: str) -> None:
    for rec in demo_recordings():
        if writer == "tcx":
            data, fmt = tcx_bytes(rec, 3_400_000_001), "tcx"
        else:
            data, fmt = gpx_bytes(rec, compact=writer == "gpx compact"), "gpx"
        assert points_by_pattern(data, fmt) == len(rec.t)
        assert_same_either_way(data, fmt)


def gpx_file(
    points: str, head: str = "", prolog: str = '<?xml version="1.0" encoding="UTF-8"?>\n'
) -> bytes:
    return (
        f'{prolog}<gpx version="1.1" creator="test" xmlns="{GPX11}" xmlns:v1="{TPX_V1}" '
        f'xmlns:v2="{TPX_V2}">{head}\n<trk><name>Run</name><trkseg>\n{points}\n</trkseg></trk>\n</gpx>\n'
    ).encode()


def gpx_point(second: int, inner: str = "", lat: str = '"51.5"', extra: str = "") -> str:
    return (
        f"<trkpt lat={lat} lon={lat}{extra}><ele>12.5</ele>"
        f"<time>2026-03-02T07:00:{second:02d}Z</time>{inner}</trkpt>"
    )


def plain_points(count: int = 30, inner: str = "") -> str:
    return "\n".join(gpx_point(s, inner) for s in range(count))


HR = "<extensions><v1:TrackPointExtension><v1:hr>140</v1:hr></v1:TrackPointExtension></extensions>"

# Files whose every point the pattern reads (and must read exactly as lxml does).
READ_BY_PATTERN = {
    "plain": gpx_file(plain_points()),
    "heart rate in an extension": gpx_file(plain_points(inner=HR)),
    "single-quoted attributes": gpx_file("\n".join(gpx_point(s, lat="'51.5'") for s in range(30))),
    "CRLF line ends": gpx_file(plain_points()).replace(b"\n", b"\r\n"),
    "Latin-1 with a non-ASCII name": gpx_file(
        plain_points(),
        head="<metadata><name>Caf\xe9</name></metadata>",
        prolog='<?xml version="1.0" encoding="ISO-8859-1"?>',
    ).replace(b"Caf\xc3\xa9", b"Caf\xe9"),
    "empty and doubled values (first with text wins)": gpx_file(
        "\n".join(
            gpx_point(s, f"<extensions><v1:hr></v1:hr><v2:hr>15{s % 10}</v2:hr></extensions>")
            for s in range(30)
        )
    ),
    "two shapes in turn, long runs": gpx_file(
        "\n".join([gpx_point(s) for s in range(20)] + [gpx_point(s, HR) for s in range(20, 40)])
    ),
    "prefixed GPX namespace": (
        f'<?xml version="1.0"?><g:gpx xmlns:g="{GPX11}" version="1.1"><g:trk><g:trkseg>'
        + "".join(
            f'<g:trkpt lat="1" lon="2"><g:time>2026-03-02T07:00:{s:02d}Z</g:time></g:trkpt>'
            for s in range(30)
        )
        + "</g:trkseg></g:trk></g:gpx>"
    ).encode(),
}

# Files the pattern must leave (or partly leave) to lxml; both paths must still agree.
LEFT_TO_LXML = {
    "CDATA value": gpx_file(
        plain_points().replace("<ele>12.5</ele>", "<ele><![CDATA[12.5]]></ele>")
    ),
    "character reference": gpx_file(
        plain_points().replace("<ele>12.5</ele>", "<ele>12&#46;5</ele>")
    ),
    "comment inside points": gpx_file(plain_points().replace("<ele>", "<!-- x --><ele>")),
    "points inside a comment": gpx_file(
        plain_points(5) + "<!--" + plain_points(30).replace("--", "") + "-->"
    ),
    "instruction inside a point": gpx_file(plain_points().replace("<ele>", "<?x y?><ele>")),
    "carriage return in a value": gpx_file(
        plain_points().replace("<ele>12.5</ele>", "<ele>12.5\r</ele>")
    ),
    "mixed quotes": gpx_file(
        "\n".join(
            gpx_point(s, lat="'51.5'").replace("lon='", 'lon="').replace("'>", '">')
            for s in range(30)
        )
    ),
    "namespace declared on the point": gpx_file(plain_points(), head="").replace(
        b"<trkpt lat", b'<trkpt xmlns:q="urn:q" lat'
    ),
    "undefined prefix": gpx_file(plain_points(inner="<q:hr>140</q:hr>")),
    "duplicate attribute": gpx_file("\n".join(gpx_point(s, extra=' lat="2"') for s in range(30))),
    "mismatched end tag": gpx_file(plain_points().replace("</time>", "</tim>")),
    "cut short": gpx_file(plain_points())[:-400],
    "DOCTYPE with an entity": gpx_file(
        plain_points(), prolog='<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY e "12.5">]>'
    ),
    "UTF-16": gpx_file(plain_points(), prolog='<?xml version="1.0" encoding="UTF-16"?>')
    .decode()
    .encode("utf-16"),
    "a container named like a field": gpx_file(
        plain_points(inner="<extensions><hr><x>1</x></hr></extensions>")
    ),
    "points in a track's extensions": gpx_file(plain_points()).replace(
        b"<trk><name>Run</name>",
        b"<trk><name>Run</name><extensions><trkpt lat='1' lon='1'><Distance>5000</Distance></trkpt>"
        + "".join(gpx_point(s) for s in range(40)).encode()
        + b"</extensions>",
    ),
    "shapes alternating every point": gpx_file(
        "\n".join(gpx_point(s, HR if s % 2 else "") for s in range(60))
    ),
    "points after the root": gpx_file(plain_points()) + plain_points().encode(),
    "the instruction's own name": gpx_file(plain_points(), head="<?strongstride-points 0?>"),
}


@pytest.mark.parametrize("name", READ_BY_PATTERN)
def test_plain_points_are_read_by_pattern_as_lxml_reads_them(name: str) -> None:
    data = READ_BY_PATTERN[name]
    assert points_by_pattern(data, "gpx") >= 30
    assert_same_either_way(data, "gpx")


@pytest.mark.parametrize("name", LEFT_TO_LXML)
def test_points_the_pattern_cannot_read_exactly_are_left_to_lxml(name: str) -> None:
    data = LEFT_TO_LXML[name]
    assert_same_either_way(data, "gpx")


def test_what_falls_back_reads_no_point_by_pattern_where_it_would_differ() -> None:
    # Unreadable points stay elements; whole-file checks send everything to lxml.
    for name in (
        "CDATA value",
        "comment inside points",
        "undefined prefix",
        "duplicate attribute",
        "cut short",
        "DOCTYPE with an entity",
        "UTF-16",
        "a container named like a field",
        "shapes alternating every point",
        "points after the root",
        "the instruction's own name",
        "character reference",
        "mixed quotes",
        "namespace declared on the point",
    ):
        assert points_by_pattern(LEFT_TO_LXML[name], "gpx") == 0, name


def tcx_file(trackpoints: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><TrainingCenterDatabase xmlns="{TCX2}"><Activities>'
        '<Activity Sport="Running"><Id>2026-03-02T07:00:00Z</Id>'
        '<Lap StartTime="2026-03-02T07:00:00Z"><TotalTimeSeconds>29</TotalTimeSeconds>'
        f"<DistanceMeters>100</DistanceMeters><Track>{trackpoints}</Track></Lap></Activity>"
        "</Activities></TrainingCenterDatabase>"
    ).encode()


def tcx_point(second: int, inner: str = "") -> str:
    return (
        f"<Trackpoint><Time>2026-03-02T07:00:{second:02d}Z</Time><DistanceMeters>{second * 3}"
        f"</DistanceMeters><HeartRateBpm><Value>150</Value></HeartRateBpm>{inner}</Trackpoint>"
    )


def test_a_tcx_point_holding_an_activity_is_left_to_lxml() -> None:
    # The TCX parser looks for Activity elements at any depth: one inside a point is an activity.
    inner = "<Activity><Id>2026-03-01T07:00:00Z</Id></Activity>"
    data = tcx_file("".join(tcx_point(s, inner) for s in range(30)))
    plain = tcx_file("".join(tcx_point(s) for s in range(30)))
    assert points_by_pattern(plain, "tcx") == 30
    assert_same_either_way(plain, "tcx")
    assert_same_either_way(data, "tcx")
    activity = tcx.parse_tcx(data)[0]
    assert activity.samples.height == 30
