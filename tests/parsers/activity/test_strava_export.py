"""Strava bulk-export zips: the real export zipped here, and hostile zips that must be refused."""

from __future__ import annotations

import gzip
import os
import zipfile
from pathlib import Path

import pytest

from pipelines.parsers.activity.fit import parse_fit
from pipelines.parsers.activity.strava_export import (
    ExportedActivity,
    apply_export_metadata,
    parse_strava_export,
    read_strava_export,
    sport_of_strava_type,
)
from pipelines.parsers.schemas import ParsedActivity, ParseError, empty_samples


def _zip(path: Path, members: dict[str, bytes]) -> bytes:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, zipfile.ZIP_DEFLATED)
    return path.read_bytes()


def _real_export(realdata: Path, tmp_path: Path, top: str = "") -> bytes:
    folder = realdata / "strava_export"
    members = {
        top + str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }
    return _zip(tmp_path / "export.zip", members)


@pytest.mark.parametrize("top", ["", "export_12345/"])
def test_real_export_gives_its_one_activity(realdata: Path, tmp_path: Path, top: str) -> None:
    (exported,) = read_strava_export(_real_export(realdata, tmp_path, top))
    # MANIFEST: the CSV's Activity ID (12070555079) differs from the file name (12866632127)
    assert exported.member_name == top + "activities/12866632127.fit.gz"
    assert exported.data == (realdata / "strava_export/activities/12866632127.fit.gz").read_bytes()
    assert (exported.name, exported.sport) == ("Laufen Landal Park", "running")
    assert exported.strava_activity_id == "12070555079"
    assert exported.gear is None


def test_exported_activity_parses_with_its_metadata(realdata: Path, tmp_path: Path) -> None:
    (exported,) = read_strava_export(_real_export(realdata, tmp_path))
    activities = parse_fit(gzip.decompress(exported.data))
    apply_export_metadata(activities, exported)
    (activity,) = activities
    # MANIFEST: Strava's copy of the Venu Sq run, 326 records, no heart rate
    assert activity.samples.height == 326
    assert activity.samples["hr"].null_count() == 326
    assert (activity.name, activity.sport) == ("Laufen Landal Park", "running")
    assert activity.metadata == {"strava_activity_id": "12070555079"}


def test_files_missing_from_activities_csv_are_still_returned(
    realdata: Path, tmp_path: Path
) -> None:
    fit = (realdata / "fit/garmin-fr110_run_hr_5laps.fit").read_bytes()
    csv_text = (realdata / "strava_export/activities.csv").read_bytes()
    data = _zip(tmp_path / "e.zip", {"activities.csv": csv_text, "activities/99.fit": fit})
    (exported,) = read_strava_export(data)
    assert exported.member_name == "activities/99.fit"
    assert (exported.name, exported.sport, exported.strava_activity_id) == (None, None, None)


def test_one_unreadable_activity_leaves_the_rest_of_the_export(
    realdata: Path, tmp_path: Path
) -> None:
    fit = (realdata / "fit/garmin-fr110_run_hr_5laps.fit").read_bytes()
    data = _zip(
        tmp_path / "e.zip",
        {"activities/1.fit": fit, "activities/2.fit": fit[:40], "activities/3.gpx": b"<gpx"},
    )
    source, found, problems = parse_strava_export(data)
    assert source == "strava_export"
    assert [member for member, _ in found] == ["activities/1.fit"]
    assert [member for member, _ in problems] == ["activities/2.fit", "activities/3.gpx"]
    assert all(problem.reason and problem.hint for _, problem in problems)


def test_an_export_with_no_readable_activity_is_refused_naming_one(tmp_path: Path) -> None:
    data = _zip(tmp_path / "e.zip", {"activities/1.gpx": b"<gpx", "activities/2.tcx": b""})
    with pytest.raises(
        ParseError, match=r"no activity in the export could be read; activities/1\.gpx"
    ):
        parse_strava_export(data)


def test_csv_type_wins_over_the_files_generic_sport() -> None:
    exported = ExportedActivity("activities/1.gpx", b"", "Hill reps", "trail_running", "Speedgoat")
    activity = ParsedActivity("gpx", "running", empty_samples())
    apply_export_metadata([activity], exported)
    assert (activity.name, activity.sport) == ("Hill reps", "trail_running")
    assert activity.metadata == {"gear": "Speedgoat"}


def test_csv_type_other_names_a_file_that_states_no_sport() -> None:
    exported = ExportedActivity("activities/1.gpx", b"", "Circuits", "other")
    activity = ParsedActivity("gpx", None, empty_samples())
    apply_export_metadata([activity], exported)
    assert activity.sport == "other"  # the athlete's choice, not a guess from the speeds


@pytest.mark.parametrize(
    ("strava_type", "sport"),
    [("Run", "running"), ("Trail Run", "trail_running"), ("Virtual Run", "treadmill_running"),
     ("Walk", "walking"), ("Hike", "hiking"), ("Ride", "cycling"), ("E-Bike Ride", "cycling"),
     ("Swim", "swimming"), ("Rowing", "rowing"), ("Nordic Ski", "skiing"),
     ("Weight Training", "other"), ("", None)],
)  # fmt: skip
def test_strava_types_map_to_our_sports(strava_type: str, sport: str | None) -> None:
    assert sport_of_strava_type(strava_type) == sport


def _refused(data: bytes, limit: int = 500 * 2**20) -> str:
    with pytest.raises(ParseError) as error:
        read_strava_export(data, max_unzipped_bytes=limit)
    assert error.value.hint
    return error.value.reason


def test_hostile_entries_are_refused_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    escaped = tmp_path / "escaped.fit"
    link = zipfile.ZipInfo("activities/link.fit")
    link.create_system = 3
    link.external_attr = 0o120777 << 16  # a symbolic link, as zip records unix file modes
    with zipfile.ZipFile(tmp_path / "link.zip", "w") as archive:
        archive.writestr(link, "/etc/passwd")
    cases = {
        "points outside the zip": _zip(tmp_path / "a.zip", {"activities/../../escaped.fit": b"x"}),
        "is an absolute path": _zip(tmp_path / "b.zip", {str(escaped): b"x"}),
        "is a symbolic link": (tmp_path / "link.zip").read_bytes(),
        "holds another zip": _zip(tmp_path / "c.zip", {"activities/inner.zip": b"PK\x03\x04"}),
    }
    for expected, data in cases.items():
        assert expected in _refused(data)
    assert os.listdir(work) == []
    assert not escaped.exists()


def test_decompression_bomb_stops_at_the_limit(tmp_path: Path) -> None:
    zeros = bytes(20 * 2**20)  # 20 MB of zeros squeeze into ~20 kB
    data = _zip(tmp_path / "bomb.zip", {"activities/1.gpx": zeros})
    assert len(data) < 100_000
    assert "more than 1 MB" in _refused(data, limit=2**20)


def test_a_member_that_lies_about_its_size_is_refused(tmp_path: Path) -> None:
    data = _zip(tmp_path / "lie.zip", {"activities/1.gpx": bytes(4 * 2**20)})
    # state 1 kB as the unpacked size in the local and the central header: the reader stops there
    # and the member's CRC no longer matches
    stated = (4 * 2**20).to_bytes(4, "little")
    assert data.count(stated) == 2
    lying = data.replace(stated, (1024).to_bytes(4, "little"))
    assert "damaged" in _refused(lying, limit=2**20)


@pytest.mark.parametrize("data", [b"", b"not a zip", b"PK\x03\x04broken"])
def test_bytes_that_are_not_a_zip_are_refused(data: bytes) -> None:
    assert "zip" in _refused(data)


def test_zip_without_activity_files_is_refused(tmp_path: Path) -> None:
    data = _zip(tmp_path / "e.zip", {"profile.csv": b"a,b\n1,2\n"})
    assert "no activity files" in _refused(data)
