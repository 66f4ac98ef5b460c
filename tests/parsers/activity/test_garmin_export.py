"""Garmin Connect account exports: the real layout built here around real activity files, one
damaged member, and hostile zips at either level that must be refused."""

from __future__ import annotations

import os
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipelines.parsers.activity.activity_file import parse_activity_file
from pipelines.parsers.activity.strava_export import parse_strava_export, read_strava_export
from pipelines.parsers.schemas import DeviceDataFile, ParseError
from tests.garmin_exports import PART1, PART2, UPLOADS, USER, garmin_export, health_fit, zipped

MB = 2**20


def _uploads(realdata: Path) -> dict[str, dict[str, bytes]]:
    """The inner zips' members: the originals, named `<user>_<id>` as Garmin names them."""
    return {
        PART1: {
            f"{USER}_9100000001.fit": (realdata / "fit/garmin-venusq_run_hr_landal-park.fit").read_bytes(),
            f"{USER}_9100000002.fit": (realdata / "fit/garmin-fr110_run_hr_5laps.fit").read_bytes(),
            f"{USER}_9100000003.fit": health_fit(),
        },
        PART2: {
            f"{USER}_9100000004.tcx": (realdata / "tcx/garmin-fr410_run_hr_3laps.tcx").read_bytes(),
            f"{USER}_9100000005.gpx": (realdata / "gpx/garmin-connect_run_hr.gpx").read_bytes(),
        },
    }  # fmt: skip


def _garmin_export(
    realdata: Path, uploads: dict[str, dict[str, bytes]] | None = None, top: str = ""
) -> bytes:
    backup = (realdata / "fit/garmin-fenix5_run_hr_short.fit").read_bytes()
    return garmin_export(uploads or _uploads(realdata), backup, top)


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize("top", ["", "garmin_export_2024/"])
def test_every_activity_of_a_garmin_export_is_read_with_its_own_figures(
    realdata: Path, top: str
) -> None:
    source, found, problems = parse_strava_export(_garmin_export(realdata, top=top))
    assert source == "garmin_export"
    assert problems == []  # the watch's health-data file is no problem of the member's
    figures = {
        member: (a.sport, a.start_utc, a.device_distance_m, a.device_timer_s, a.samples.height)
        for member, a in found
    }
    assert sorted(figures) == [
        f"{top}{PART1}/{USER}_9100000001.fit",
        f"{top}{PART1}/{USER}_9100000002.fit",
        f"{top}{PART2}/{USER}_9100000004.tcx",
        f"{top}{PART2}/{USER}_9100000005.gpx",
    ]
    # MANIFEST: the Venu Sq run and the Forerunner 110 run, their session figures
    venu = figures[f"{top}{PART1}/{USER}_9100000001.fit"]
    assert venu[:2] == ("running", _utc("2022-05-29 15:53:35"))
    assert venu[2] == pytest.approx(3322.95, rel=0.015)
    assert venu[3] == pytest.approx(1428.038, rel=0.01)
    assert venu[4] == 326
    fr110 = figures[f"{top}{PART1}/{USER}_9100000002.fit"]
    assert fr110[:2] == ("running", _utc("2013-02-06 12:11:14"))
    assert fr110[2] == pytest.approx(4835.38, rel=0.015)
    assert fr110[3] == pytest.approx(2625.14, rel=0.01)
    assert fr110[4] == 590
    # MANIFEST: the Forerunner 410 TCX (lap sums 4689.243 m, 1992.78 s) and the Garmin Connect GPX
    fr410 = figures[f"{top}{PART2}/{USER}_9100000004.tcx"]
    assert fr410[:2] == ("running", _utc("2012-12-26 21:29:53"))
    assert fr410[2] == pytest.approx(4689.243, rel=0.015)
    assert fr410[3] == pytest.approx(1992.78, rel=0.01)
    assert fr410[4] == 384
    gpx = figures[f"{top}{PART2}/{USER}_9100000005.gpx"]
    # no <type> in the GPX: the sport is left to summarize, which infers it from the speeds
    assert (gpx[0], gpx[1], gpx[4]) == (None, _utc("2012-10-24 23:29:40"), 206)


def test_an_older_export_keeps_its_uploads_under_the_old_folder_name(realdata: Path) -> None:
    old = "DI_CONNECT/DI-Connect-Fitness-Uploaded-Files/UploadedFiles_0-_Part1.zip"
    uploads = {old: _uploads(realdata)[PART1]}
    exported = read_strava_export(_garmin_export(realdata, uploads))
    assert [e.member_name for e in exported] == [
        f"{old}/{USER}_9100000001.fit",
        f"{old}/{USER}_9100000002.fit",
        f"{old}/{USER}_9100000003.fit",
    ]
    assert {e.source for e in exported} == {"garmin_export"}
    assert (exported[0].name, exported[0].sport, exported[0].strava_activity_id) == (None,) * 3


def test_one_damaged_member_is_named_by_its_full_path_and_the_rest_load(realdata: Path) -> None:
    uploads = _uploads(realdata)
    uploads[PART2][f"{USER}_9100000006.fit"] = uploads[PART1][f"{USER}_9100000002.fit"][:40]
    _, found, problems = parse_strava_export(_garmin_export(realdata, uploads))
    assert len(found) == 4
    ((member, error),) = problems
    assert member == f"{PART2}/{USER}_9100000006.fit"
    assert error.reason == "the file is truncated before its first recorded point"
    assert error.hint


def test_an_export_of_health_files_only_is_refused_saying_so(realdata: Path) -> None:
    uploads = {PART1: {f"{USER}_1.fit": health_fit(), f"{USER}_2.fit": health_fit()}}
    with pytest.raises(ParseError) as error:
        parse_strava_export(_garmin_export(realdata, uploads))
    assert error.value.reason == (
        "the export holds no recorded activities, only the watch's settings and health data"
    )


def test_a_health_file_uploaded_on_its_own_is_still_refused_with_its_reason() -> None:
    with pytest.raises(DeviceDataFile) as error:
        parse_activity_file("health.fit", health_fit())
    assert error.value.reason == "not a recorded activity: a settings, totals or health-data file"


def _link(name: str) -> zipfile.ZipInfo:
    link = zipfile.ZipInfo(name)
    link.create_system = 3  # unix, so the mode below is read as a symbolic link
    link.external_attr = 0o120777 << 16
    return link


def _refused(data: bytes, limit: int = 500 * MB) -> ParseError:
    with pytest.raises(ParseError) as error:
        read_strava_export(data, max_unzipped_bytes=limit)
    assert error.value.hint
    return error.value


def test_hostile_entries_at_either_level_are_refused_and_nothing_is_written(
    realdata: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    run = (realdata / "fit/garmin-venusq_run_hr_landal-park.fit").read_bytes()
    escaped = tmp_path / "escaped.fit"

    def export(inner: list[tuple[str | zipfile.ZipInfo, bytes]]) -> bytes:
        return zipped({PART1: zipped([(f"{USER}_1.fit", run), *inner])})

    cases = {
        f"unsafe entry in the zip: '{UPLOADS}/../../escaped.fit' points outside the zip": zipped(
            {PART1: zipped({f"{USER}_1.fit": run}), f"{UPLOADS}/../../escaped.fit": run}
        ),
        f"unsafe entry in the zip: '{PART1}/../../escaped.fit' points outside the zip": export(
            [("../../escaped.fit", run)]
        ),
        f"unsafe entry in the zip: '{PART1}/..\\\\escaped.fit' points outside the zip": export(
            [("..\\escaped.fit", run)]
        ),
        f"unsafe entry in the zip: '{PART1}/{escaped}' is an absolute path": export(
            [(str(escaped), run)]
        ),
        f"unsafe entry in the zip: '{PART1}/C:/escaped.fit' is an absolute path": export(
            [("C:/escaped.fit", run)]
        ),
        f"unsafe entry in the zip: '{PART1}/link.fit' is a symbolic link": export(
            [(_link("link.fit"), str(escaped).encode())]
        ),
        f"unsafe entry in the zip: '{UPLOADS}/link.zip' is a symbolic link": zipped(
            [(PART1, zipped({f"{USER}_1.fit": run})), (_link(f"{UPLOADS}/link.zip"), b"/etc")]
        ),
        f"the zip holds zips more than one level deep ('{PART1}/deeper.zip'), which are not read": (
            export([("deeper.zip", zipped({f"{USER}_2.fit": run}))])
        ),
    }
    for reason, data in cases.items():
        assert _refused(data).reason == reason
    assert os.listdir(work) == []
    assert not escaped.exists()


def test_a_zip_bomb_inside_an_inner_zip_stops_at_the_limit() -> None:
    inner = zipped({f"{USER}_1.fit": bytes(20 * MB)})  # 20 MB of zeros squeeze into ~20 kB
    data = zipped({PART1: inner})
    assert len(data) < 100_000
    error = _refused(data, limit=8 * MB)
    assert error.reason == "the export unpacks to more than 8 MB, the most we read"


def test_the_inner_zips_share_one_budget_with_the_outer_one() -> None:
    # each part unpacks to 5 MB and a bit, under the 8 MB limit alone, over it together
    data = zipped(
        {
            PART1: zipped({f"{USER}_1.fit": bytes(5 * MB)}),
            PART2: zipped({f"{USER}_2.fit": bytes(5 * MB)}),
        }
    )
    assert _refused(data, limit=8 * MB).reason == (
        "the export unpacks to more than 8 MB, the most we read"
    )
    assert len(read_strava_export(data, max_unzipped_bytes=11 * MB)) == 2


def test_a_damaged_inner_zip_is_refused_naming_it() -> None:
    error = _refused(zipped({PART1: b"PK\x03\x04broken"}))
    assert error.reason.startswith(f"'{PART1}' is damaged or encrypted: ")


def test_a_damaged_member_of_an_inner_zip_is_refused_naming_its_full_path(
    realdata: Path,
) -> None:
    run = (realdata / "fit/garmin-venusq_run_hr_landal-park.fit").read_bytes()
    inner = bytearray(zipped({f"{USER}_1.fit": run}))
    compressed_start = 30 + len(f"{USER}_1.fit")  # after the local header and the name
    inner[compressed_start + 100 : compressed_start + 110] = bytes(10)
    error = _refused(zipped({PART1: bytes(inner)}))
    assert error.reason.startswith(f"'{PART1}/{USER}_1.fit' in the zip is damaged or encrypted: ")
