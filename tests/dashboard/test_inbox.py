"""Uploads: real exports pass the extension + magic-byte check, anything else is refused with a reason."""

from __future__ import annotations

import gzip
import hashlib
import io
import stat
import zipfile
from pathlib import Path

import pytest

from dashboard import inbox
from dashboard.accounts.viewer import Viewer

LIMIT = 50 * 1024 * 1024
MEMBER = Viewer("alex", "member", "a001")
REAL = [
    "gpx/garmin-connect_run_hr.gpx",
    "tcx/garmin-fr410_run_hr_3laps.tcx",
    "fit/garmin-fr110_run_hr_5laps.fit",
    "fit/stryd_run_developer-fields.fit",
    "tcx/garmin_run_scrubbed-gps-hr.tcx.gz",
    "strength/strong_2025_rest-timer-rows.csv",
    "strength/hevy_2025_weight-kg_emoji-titles.csv",
]


def strava_zip(realdata: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in (realdata / "strava_export").rglob("*"):
            if path.is_file():
                archive.write(path, path.relative_to(realdata / "strava_export"))
    return buffer.getvalue()


@pytest.mark.parametrize("relative", REAL)
def test_real_exports_are_accepted(realdata: Path, relative: str) -> None:
    path = realdata / relative
    assert inbox.check_upload(path.name, path.read_bytes(), LIMIT) == path.name


def test_strava_export_zip_and_gzipped_fit_are_accepted(realdata: Path) -> None:
    assert inbox.check_upload("export_123.zip", strava_zip(realdata), LIMIT) == "export_123.zip"
    fit = (realdata / "fit/garmin-fr110_run_hr_5laps.fit").read_bytes()
    assert inbox.check_upload("run.fit.gz", gzip.compress(fit), LIMIT) == "run.fit.gz"


@pytest.mark.parametrize(
    ("name", "source", "message"),
    [
        (
            "run.gpx",
            "fit/garmin-fr110_run_hr_5laps.fit",
            "does not contain what a .gpx file should",
        ),
        ("run.fit", "gpx/garmin-connect_run_hr.gpx", "does not contain what a .fit file should"),
        ("run.tcx", "gpx/garmin-connect_run_hr.gpx", "does not contain what a .tcx file should"),
        (
            "log.csv",
            "fit/garmin-fr110_run_hr_5laps.fit",
            "does not contain what a .csv file should",
        ),
        ("export.zip", "gpx/garmin-connect_run_hr.gpx", "does not contain what a .zip file should"),
        ("run.fit.gz", "fit/garmin-fr110_run_hr_5laps.fit", "is not a gzip file"),
        ("run.exe", "fit/garmin-fr110_run_hr_5laps.fit", "not accepted"),
        (
            "notes.txt.gz",
            "tcx/garmin_run_scrubbed-gps-hr.tcx.gz",
            "only .gpx.gz, .tcx.gz or .fit.gz",
        ),
    ],
)
def test_mismatched_or_unknown_files_are_refused(
    realdata: Path, name: str, source: str, message: str
) -> None:
    with pytest.raises(inbox.UploadRejected, match=message):
        inbox.check_upload(name, (realdata / source).read_bytes(), LIMIT)


def test_empty_and_oversized_files_are_refused(realdata: Path) -> None:
    content = (realdata / "fit/garmin-fr110_run_hr_5laps.fit").read_bytes()
    with pytest.raises(inbox.UploadRejected, match="is empty"):
        inbox.check_upload("run.fit", b"", LIMIT)
    with pytest.raises(inbox.UploadRejected, match=r"limit is 0 MB"):
        inbox.check_upload("run.fit", content, len(content) - 1)


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("../../etc/passwd.gpx", "passwd.gpx"),
        ("..\\..\\evil.fit", "evil.fit"),
        (".hidden.gpx", "hidden.gpx"),
        ("Morning run; rm -rf *.gpx", "Morning run_ rm -rf _.gpx"),
        ("løb 5 km.tcx", "l_b 5 km.tcx"),
    ],
)
def test_names_are_sanitised(given: str, safe: str) -> None:
    assert inbox.safe_filename(given) == safe


@pytest.mark.parametrize("given", ["dir/", "...", "  "])
def test_unusable_names_are_refused(given: str) -> None:
    with pytest.raises(inbox.UploadRejected, match="no usable name"):
        inbox.safe_filename(given)


def test_save_writes_atomically_into_the_members_own_folder(realdata: Path, tmp_path: Path) -> None:
    content = (realdata / "gpx/garmin-connect_run_hr.gpx").read_bytes()
    stored = inbox.save_upload(tmp_path, MEMBER, "../a002/run.gpx", content, LIMIT)
    assert stored == tmp_path / "a001" / "run.gpx"
    assert stored.read_bytes() == content
    assert not list((tmp_path / "a001").glob(".upload-*"))
    assert not (tmp_path / "a002").exists()
    assert inbox.save_upload(tmp_path, MEMBER, "run.gpx", content, LIMIT) == stored
    other = (realdata / "gpx/apple-watch_run_3-segments_hr-cad-power.gpx").read_bytes()
    assert inbox.save_upload(tmp_path, MEMBER, "run.gpx", other, LIMIT).name == "run (2).gpx"
    assert stat.S_ISREG(stored.stat().st_mode)


def test_coaches_have_no_inbox(tmp_path: Path) -> None:
    with pytest.raises(PermissionError, match="member's own inbox"):
        inbox.member_inbox(tmp_path, Viewer("coach", "coach", None))


def test_pending_means_not_yet_seen_by_a_run(realdata: Path, tmp_path: Path) -> None:
    seen = (realdata / "gpx/garmin-connect_run_hr.gpx").read_bytes()
    new = (realdata / "fit/garmin-fr110_run_hr_5laps.fit").read_bytes()
    inbox.save_upload(tmp_path, MEMBER, "seen.gpx", seen, LIMIT)
    inbox.save_upload(tmp_path, MEMBER, "new.fit", new, LIMIT)
    (tmp_path / "a001" / ".upload-half.part").write_bytes(b"partial")
    files = inbox.inbox_files(tmp_path, MEMBER, {hashlib.sha256(seen).hexdigest()})
    assert dict(zip(files["file"], files["pending"], strict=True)) == {
        "seen.gpx": False,
        "new.fit": True,
    }
    assert dict(zip(files["file"], files["size_bytes"], strict=True))["new.fit"] == 17925
