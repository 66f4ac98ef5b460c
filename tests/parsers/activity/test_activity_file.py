"""The file-format dispatcher: content sniffing, gunzip limits, and errors for anything else."""

from __future__ import annotations

import contextlib
import gzip
import io
import random
import zipfile

import pytest

from pipelines.parsers.activity.activity_file import GZIP_CUT, parse_activity_file, sniff_format
from pipelines.parsers.schemas import ParseError

NOT_AN_ACTIVITY_FILE = "this is not a GPX, TCX or FIT activity file"


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("gpx/garmin-connect_run_hr.gpx", "gpx"),
        ("gpx/apple-watch_run_3-segments_hr-cad-power.gpx", "gpx"),  # no XML declaration
        ("gpx/bikerouter_planned-route_no-timestamps.gpx", "gpx"),  # comment before <gpx>
        ("tcx/garmin-fr410_run_hr_3laps.tcx", "tcx"),
        ("tcx/garmin_run_scrubbed-gps-hr.tcx.gz", "tcx"),
        ("fit/garmin-fenix5_run_hr_short.fit", "fit"),
        ("strava_export/activities/12866632127.fit.gz", "fit"),
        ("strava_export/activities.csv", "csv"),
        ("strength/hevy_2025_weight-kg_emoji-titles.csv", "csv"),
        ("fit/garmin-fenix5_run_hr_short.records.csv", "csv"),
    ],
)
def test_sniff_format_reads_the_content(realdata, path, kind):
    assert sniff_format(path.rsplit("/", 1)[1], (realdata / path).read_bytes()) == kind


def test_sniff_format_ignores_a_misleading_name(realdata):
    data = (realdata / "gpx/garmin-connect_run_hr.gpx").read_bytes()
    assert sniff_format("run.fit", data) == "gpx"
    assert sniff_format("run.gpx", b"\x00\x01\x02 not anything") == "unknown"
    assert sniff_format("run.gpx", b"") == "unknown"


def test_sniff_format_recognises_a_strava_export_zip(realdata):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(realdata / "strava_export/activities.csv", "activities.csv")
    assert sniff_format("export_123.zip", buffer.getvalue()) == "zip"


def test_gzipped_tcx_is_parsed_whatever_it_is_called(realdata):
    data = (realdata / "tcx/garmin_run_scrubbed-gps-hr.tcx.gz").read_bytes()
    (run,) = parse_activity_file("upload.bin", data)
    assert run.source_format == "tcx"
    assert run.samples.height == 313
    assert run.device_timer_s == pytest.approx(2014.0)


def test_gpx_and_tcx_files_go_to_their_parsers(realdata):
    (gpx_run,) = parse_activity_file(
        "a.tcx", (realdata / "gpx/garmin-connect_run_hr.gpx").read_bytes()
    )
    assert (gpx_run.source_format, gpx_run.samples.height) == ("gpx", 206)
    runs = parse_activity_file(
        "x", gzip.compress((realdata / "gpx/mapsource_3-tracks_multi-day.gpx").read_bytes())
    )
    assert [r.samples.height for r in runs] == [38, 65, 14]


def test_fit_files_go_to_the_fit_parser(realdata):
    pytest.importorskip(
        "pipelines.parsers.activity.fit", reason="pipelines/parsers/fit.py is not written yet"
    )
    activities = parse_activity_file(
        "run.fit", (realdata / "fit/garmin-fenix5_run_hr_short.fit").read_bytes()
    )
    assert [(a.source_format, a.samples.height) for a in activities] == [("fit", 21)]


def test_the_planned_route_keeps_its_reason(realdata):
    with pytest.raises(ParseError, match="a planned route with no recorded times"):
        parse_activity_file(
            "x.gpx", (realdata / "gpx/bikerouter_planned-route_no-timestamps.gpx").read_bytes()
        )


@pytest.mark.parametrize("data", [b"", gzip.compress(b"", mtime=0)], ids=["plain", "gzipped"])
def test_an_empty_file_says_so(data):
    with pytest.raises(ParseError) as error:
        parse_activity_file("run.gpx", data)
    assert error.value.reason == "the file is empty"
    assert error.value.hint


def test_a_gzip_bomb_is_refused_at_the_limit():
    bomb = gzip.compress(b"<gpx>" + b" " * (3 * 1024 * 1024) + b"</gpx>")
    with pytest.raises(ParseError) as error:
        parse_activity_file("run.gpx.gz", bomb, max_bytes=1024 * 1024)
    assert error.value.reason == "the compressed file expands beyond 1 MB"
    assert error.value.hint


def test_a_damaged_gzip_is_a_parse_error():
    data = bytearray(gzip.compress(b"<gpx></gpx>" * 100))
    data[12:20] = b"\xff" * 8
    with pytest.raises(ParseError, match=r"the compressed \(\.gz\) file is damaged"):
        parse_activity_file("run.gpx.gz", bytes(data))


def test_a_gzip_cut_short_salvages_what_came_through(realdata):
    data = gzip.compress((realdata / "gpx/garmin-connect_run_hr.gpx").read_bytes())
    (run,) = parse_activity_file("run.gpx.gz", data[: len(data) // 2])
    assert 0 < run.samples.height < 206
    assert run.warnings[0] == GZIP_CUT
    (cut,) = [w for w in run.warnings if w.startswith("the file is cut short (line ")]
    assert cut.endswith("only its readable part was used")


@pytest.mark.parametrize(
    "data", [b"PK\x03\x04rest", b"date,reps\n2026-03-02,10\n", b"<html><body/></html>"]
)
def test_other_files_are_not_activity_files(data):
    with pytest.raises(ParseError) as error:
        parse_activity_file("run.gpx", data)
    assert error.value.reason == NOT_AN_ACTIVITY_FILE
    assert error.value.hint == "export the activity from your watch app as GPX, TCX or FIT"


def test_random_bytes_are_a_parse_error():
    rng = random.Random(20260302)
    for size in (1, 7, 12, 100, 5000):
        for _ in range(20):
            with pytest.raises(ParseError):
                parse_activity_file("x", bytes(rng.randrange(256) for _ in range(size)))


def test_damaged_copies_of_real_files_never_raise_anything_but_parse_error(realdata):
    originals = [
        p.read_bytes()
        for p in sorted(realdata.glob("gpx/*.gpx")) + sorted(realdata.glob("tcx/*.tcx"))
    ]
    rng = random.Random(7)
    fragments = [
        b"<",
        b">",
        b"</trkpt>",
        b"NaN",
        b"-1e999",
        b"\xff",
        b"\x00",
        b"&foo;",
        b"<Lap StartTime='x'>",
    ]
    for _ in range(300):
        data = bytearray(rng.choice(originals))
        for _ in range(rng.randrange(1, 6)):
            at = rng.randrange(len(data))
            if rng.random() < 0.5:
                data[at : at + rng.randrange(100)] = rng.choice(fragments)
            else:
                data[at] = rng.randrange(256)
        with contextlib.suppress(ParseError):
            parse_activity_file("x", bytes(data[: rng.randrange(1, len(data) + 1)]))
