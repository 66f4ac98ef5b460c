"""Hostile archives, entities, links and oversized files: refused with a reason, nothing escapes."""

from __future__ import annotations

import hashlib
import os
import time
import zlib
from pathlib import Path

import duckdb
import pytest

from dashboard import inbox
from dashboard.accounts.viewer import Viewer
from pipelines.cli.main import dashboard_command
from pipelines.ingest.inbox import INCOMING, raw_path, scan_and_archive
from pipelines.parsers.activity.activity_file import parse_activity_file
from pipelines.parsers.activity.strava_export import read_strava_export
from pipelines.parsers.club.exercise_catalog import ExerciseCatalog
from pipelines.parsers.schemas import ParseError
from pipelines.parsers.strength.sets import parse_strength_csv
from pipelines.settings import load_settings
from tests.robustness.club import (
    ATHLETE,
    ESCAPED_NAME,
    HOSTILE_REASONS,
    CleanRun,
    hostile_zips,
    rows,
    zipped,
)
from tests.robustness.fuzzing import FUZZ_EXAMPLES, SECONDS_PER_FILE, time_limit

MB = 2**20
RUN = "gpx/garmin-connect_run_hr.gpx"  # MANIFEST: 206 trackpoints
LONG_RUN = FUZZ_EXAMPLES >= 1000  # the documented long run also tries bombs at the real limits


def test_hostile_zips_in_the_inbox_are_refused_with_their_reason(
    clean_run: CleanRun, outside: Path
) -> None:
    found = {
        name: (status, reason)
        for name, status, reason in rows(
            clean_run.home / "warehouse.duckdb",
            "select f.original_name, f.status, e.reason from files f "
            "join ingest_errors e using (sha256) where list_contains(?, f.original_name)",
            [sorted(HOSTILE_REASONS)],
        )
    }
    assert sorted(found) == sorted(HOSTILE_REASONS)
    for name, expected in HOSTILE_REASONS.items():
        status, reason = found[name]
        assert status == "rejected" and expected in reason, (name, reason)
    assert list(outside.iterdir()) == []
    scratch = clean_run.home.parents[1]  # every temporary folder of this test session
    assert not list(scratch.rglob(ESCAPED_NAME))


def test_a_hostile_zip_uploaded_by_a_member_is_stored_whole_in_their_folder(
    realdata: Path, tmp_path: Path, outside: Path
) -> None:
    member = Viewer("runner.r001", "member", ATHLETE)
    for name, data in hostile_zips(realdata, outside).items():
        stored = inbox.save_upload(tmp_path / "inbox", member, name, data, 50 * MB)
        assert stored == tmp_path / "inbox" / ATHLETE / name
        assert stored.read_bytes() == data
    assert sorted(p.name for p in (tmp_path / "inbox" / ATHLETE).iterdir()) == sorted(
        HOSTILE_REASONS
    )
    assert [p.name for p in tmp_path.iterdir()] == ["inbox"]


def _with_doctype(realdata: Path, doctype: str) -> bytes:
    declaration, _, rest = (realdata / RUN).read_text().partition("\n")
    named = rest.replace("<name>Untitled</name>", "<name>&secret;</name>", 1)
    return f"{declaration}\n{doctype}\n{named}".encode()


def test_xml_entities_never_read_local_files(realdata: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-7f3a")
    dtd = tmp_path / "evil.dtd"
    dtd.write_text(f'<!ENTITY secret SYSTEM "file://{secret}">')
    inline = _with_doctype(realdata, f'<!DOCTYPE gpx [<!ENTITY secret SYSTEM "file://{secret}">]>')
    with pytest.raises(ParseError) as refused:
        parse_activity_file("run.gpx", inline)
    assert "TOP-SECRET" not in refused.value.reason

    (run,) = parse_activity_file(
        "run.gpx", _with_doctype(realdata, f'<!DOCTYPE gpx SYSTEM "file://{dtd}">')
    )
    assert run.samples.height == 206  # the run itself is read; the external entity is not
    assert run.name is None and "TOP-SECRET" not in repr(run.metadata)


def test_billion_laughs_is_refused_at_once(realdata: Path) -> None:
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )
    laughs = _with_doctype(realdata, f"<!DOCTYPE gpx [{entities}]>").replace(b"&secret;", b"&a9;")
    with time_limit(1.0, "a billion-laughs GPX"), pytest.raises(ParseError):
        parse_activity_file("run.gpx", laughs)


def _gzip_bomb(unpacked_mb: int) -> bytes:
    stream = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip framing
    zeros = bytes(MB)
    return b"".join([*(stream.compress(zeros) for _ in range(unpacked_mb)), stream.flush()])


def test_decompression_bombs_are_refused_without_unpacking_them_whole(realdata: Path) -> None:
    bomb = _gzip_bomb(unpacked_mb=9)
    with time_limit(SECONDS_PER_FILE, "a gzip bomb"), pytest.raises(ParseError) as refused:
        parse_activity_file("run.gpx.gz", bomb, max_bytes=8 * MB)
    assert refused.value.reason == "the compressed file expands beyond 8 MB"
    zip_bomb = zipped({"export_1/activities/1.gpx": bytes(9 * MB)})
    assert len(zip_bomb) < 20_000
    with time_limit(SECONDS_PER_FILE, "a zip bomb"), pytest.raises(ParseError) as refused:
        read_strava_export(zip_bomb, 8 * MB)
    assert "more than 8 MB" in refused.value.reason


@pytest.mark.skipif(not LONG_RUN, reason="long run only (STRONGSTRIDE_FUZZ_EXAMPLES>=1000)")
def test_bombs_at_the_shipped_limits_are_refused() -> None:
    limit_mb = load_settings().thresholds.max_unzipped_mb
    started = time.monotonic()
    with pytest.raises(ParseError, match=f"expands beyond {limit_mb} MB"):
        parse_activity_file("run.gpx.gz", _gzip_bomb(limit_mb + 1))
    assert time.monotonic() - started < 60


def test_very_large_real_files_parse_within_the_time_limit(realdata: Path) -> None:
    run = (realdata / RUN).read_text()
    first, last = run.index("<trkpt"), run.rindex("</trkpt>") + len("</trkpt>")
    big_run = (run[:first] + run[first:last] * 200 + run[last:]).encode()  # 13 MB
    with time_limit(SECONDS_PER_FILE, "a 13 MB GPX"):
        (parsed,) = parse_activity_file("big.gpx", big_run)
    assert parsed.samples.height == 206 * 200
    log = (realdata / "strength/strong_2021_en_no-unit-column.csv").read_text()
    header, _, sets = log.partition("\n")
    with time_limit(SECONDS_PER_FILE, "a 17 MB strength log"):
        parsed = parse_strength_csv(
            f"{header}\n{sets * 100}".encode(),
            athlete_id=ATHLETE,
            weight_unit="kg",
            time_zone="Europe/Berlin",
            catalog=ExerciseCatalog.default(),
            roster_ids={ATHLETE},
        )
    assert parsed.sets.height == 2078 * 100  # MANIFEST: 2078 records


def _archive_once(home: Path) -> list[str]:
    with duckdb.connect() as con:
        received, _ = scan_and_archive(con, load_settings(home))
        return [Path(path).name for path in received.get_column("path")]


def test_a_symbolic_link_in_the_inbox_is_not_followed(realdata: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    folder = home / "inbox" / ATHLETE
    folder.mkdir(parents=True)
    (home / "accounts.json").write_text('{"accounts": {"coach": {"password_hash": "$argon2id$x"}}}')
    (folder / "run.gpx").write_bytes((realdata / RUN).read_bytes())
    os.symlink(home / "accounts.json", folder / "my_log.csv")
    assert _archive_once(home) == ["run.gpx"]
    archived = [p for p in (home / "raw").rglob("*") if p.is_file()]
    assert [p.read_bytes() for p in archived] == [(realdata / RUN).read_bytes()]


def test_a_half_copy_left_in_the_archive_by_a_kill_is_replaced(
    realdata: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    (home / "inbox" / ATHLETE).mkdir(parents=True)
    data = (realdata / RUN).read_bytes()
    (home / "inbox" / ATHLETE / "run.gpx").write_bytes(data)
    target = raw_path(load_settings(home), hashlib.sha256(data).hexdigest())
    # each process writes its copy under a name of its own beside the archive's folders, renamed
    # into place when whole: a killed run leaves a half copy under its process number, which may
    # come round again
    half = target.parent.parent / INCOMING / f"{target.name}.{os.getpid()}.part"
    half.parent.mkdir(parents=True)
    half.write_bytes(data[: len(data) // 2])
    half.chmod(0o444)  # as the archive leaves its copies
    assert _archive_once(home) == ["run.gpx"]
    assert target.read_bytes() == data
    assert not half.exists() and not any(half.parent.iterdir())


def test_the_dashboard_server_refuses_uploads_over_the_dashboards_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STRONGSTRIDE_MAX_UPLOAD_MB", "7")
    command = dashboard_command(port=8501)
    assert command[command.index("--server.maxUploadSize") + 1] == "7"
