"""The nightly inbox sweep lists only folders that changed, and still finds every new file."""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import replace
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.defs.automation import newest_change
from pipelines.ingest import inbox
from pipelines.ingest.inbox import scan_and_archive
from pipelines.settings import Settings, load_settings
from tests.conftest import run_ingest

ATHLETES = ("a001", "a002", "a003")
LONG_AGO_S = 1_000_000_000  # 2001: older than any sweep, so a folder's time is trusted


def _age(home: Path) -> None:
    """Set every inbox folder's time far in the past, as if the files arrived long ago."""
    for folder, _, _ in os.walk(home / "inbox"):
        os.utime(folder, (LONG_AGO_S, LONG_AGO_S))


@pytest.fixture
def club(tmp_path: Path) -> tuple[Settings, duckdb.DuckDBPyConnection]:
    for athlete in ATHLETES:
        folder = tmp_path / "inbox" / athlete
        folder.mkdir(parents=True)
        for n in range(3):
            (folder / f"run{n}.gpx").write_text(f"<gpx>{athlete} {n}</gpx>")
    _age(tmp_path)
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield load_settings(tmp_path), con
    con.close()


def _names(received: pl.DataFrame) -> list[str]:
    return sorted(
        f"{athlete_id}/{Path(path).name}"
        for athlete_id, path in received.select("athlete_id", "path").iter_rows()
    )


def test_first_sweep_is_full_and_finds_every_file(club) -> None:
    settings, con = club
    received, sweep = scan_and_archive(con, settings)
    assert sweep.full and sweep.folders == 4 and sweep.folders_listed == 4
    assert received.height == 9 and sweep.files_listed == 9


def test_files_archived_a_few_per_transaction_are_each_registered_once_in_order(
    club, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, con = club
    copy = settings.inbox / "a003" / "run9.gpx"  # a content already met in an earlier chunk
    copy.write_text("<gpx>a001 0</gpx>")
    monkeypatch.setattr(inbox, "ARCHIVE_CHUNK", 2)
    received, sweep = scan_and_archive(con, settings)
    assert received.height == 10 and sweep.new_contents == 9
    registered = con.sql("select athlete_id, original_name from files order by rowid").fetchall()
    assert registered == [(a, f"run{n}.gpx") for a in ATHLETES for n in range(3)]
    seen = con.sql("select path, sha256 from inbox_seen").fetchall()
    assert sorted(seen) == sorted(received.select("path", "sha256").iter_rows())
    archived = sorted(p.name for p in settings.raw.rglob("*") if p.is_file())
    assert archived == sorted(set(received.get_column("sha256")))


def _archived(settings: Settings) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in settings.raw.rglob("*") if p.is_file()}


def test_a_large_backlog_archived_by_worker_processes_gives_what_one_process_does(
    club, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, con = club
    big = os.urandom(inbox.KEEP_BYTES + 1)  # over the size read whole: copied from the file
    for athlete in ATHLETES:  # the same contents in every folder: met by both workers at once
        (settings.inbox / athlete / "big.fit").write_bytes(big)
        (settings.inbox / athlete / "same.gpx").write_text("<gpx>the same run</gpx>")
    serial_home = tmp_path / "serial"
    shutil.copytree(settings.inbox, serial_home / "inbox")
    monkeypatch.setattr(inbox, "ARCHIVE_CHUNK", 4)
    with duckdb.connect() as serial_con:
        serial, _ = scan_and_archive(
            serial_con, replace(load_settings(serial_home), parse_workers=1)
        )
        serial_files = serial_con.sql(
            "select * exclude (received_at, inbox_path) from files order by rowid"
        ).fetchall()
    monkeypatch.setattr(inbox, "ARCHIVE_POOL_MIN_FILES", 1)
    told = []
    pooled, sweep = scan_and_archive(
        con, replace(settings, parse_workers=2), progress=lambda *done: told.append(done)
    )
    assert sweep.new_contents == 11  # 9 runs, the big file, the shared run
    assert told == [(4, 15), (8, 15), (12, 15), (15, 15)]
    assert pooled.get_column("sha256").to_list() == serial.get_column("sha256").to_list()
    assert (
        con.sql("select * exclude (received_at, inbox_path) from files order by rowid").fetchall()
        == serial_files
    )
    archived = _archived(settings)
    assert archived == _archived(load_settings(serial_home))
    assert all(hashlib.sha256(data).hexdigest() == name for name, data in archived.items())
    assert len(archived) == 11  # no temporary copies left behind


def test_unchanged_folders_are_not_listed_again(club) -> None:
    settings, con = club
    scan_and_archive(con, settings)
    received, sweep = scan_and_archive(con, settings)
    assert not sweep.full
    assert received.is_empty() and sweep.folders_listed == 0 and sweep.files_listed == 0


def test_a_new_file_is_found_by_listing_only_its_folder(club) -> None:
    settings, con = club
    scan_and_archive(con, settings)
    new = settings.inbox / "a002" / "new.gpx"
    new.write_text("<gpx>new</gpx>")
    os.utime(new, (LONG_AGO_S, LONG_AGO_S))  # kept its old time, as `rsync -a` or `cp -p` do
    received, sweep = scan_and_archive(con, settings)
    assert _names(received) == ["a002/new.gpx"]
    assert sweep.folders_listed == 1 and sweep.files_listed == 4


def test_a_new_athlete_folder_is_found(club) -> None:
    settings, con = club
    scan_and_archive(con, settings)
    (settings.inbox / "a004" / "2024").mkdir(parents=True)
    (settings.inbox / "a004" / "2024" / "run.fit").write_bytes(b"x")
    received, sweep = scan_and_archive(con, settings)
    assert _names(received) == ["a004/run.fit"]
    assert sweep.folders == 6


def test_a_folder_changed_during_the_sweep_is_listed_again_next_time(club) -> None:
    settings, con = club
    scan_and_archive(con, settings)
    (settings.inbox / "a001" / "late.gpx").write_text("<gpx>late</gpx>")  # folder time: now
    assert _names(scan_and_archive(con, settings)[0]) == ["a001/late.gpx"]
    # within the file system clock's tick of that change the folder's time is not trusted
    received, sweep = scan_and_archive(con, settings)
    assert received.is_empty() and sweep.folders_listed == 1


def test_a_file_rewritten_in_place_waits_for_the_full_sweep(club) -> None:
    settings, con = club
    scan_and_archive(con, settings)
    rewritten = settings.inbox / "a003" / "run1.gpx"
    rewritten.write_text("<gpx>a003 1, edited</gpx>")
    os.utime(settings.inbox / "a003", (LONG_AGO_S, LONG_AGO_S))  # same name: folder time unmoved
    assert scan_and_archive(con, settings)[0].is_empty()
    received, sweep = scan_and_archive(con, settings, full=True)
    assert sweep.full and _names(received) == ["a003/run1.gpx"]


def test_the_full_sweep_runs_by_itself_once_the_last_is_old_enough(club) -> None:
    settings, con = club
    scan_and_archive(con, settings)
    assert not scan_and_archive(con, settings)[1].full
    assert scan_and_archive(con, replace(settings, full_sweep_days=-1))[1].full


def test_the_sensor_sees_a_file_that_kept_an_old_time(club) -> None:
    settings, _ = club
    before = newest_change(settings)
    copied = settings.inbox / "a001" / "copied.gpx"
    copied.write_text("<gpx>copied</gpx>")
    os.utime(copied, (LONG_AGO_S, LONG_AGO_S))
    assert newest_change(settings) > before


@pytest.mark.slow  # three whole pipeline runs
def test_ingest_full_sweep_picks_up_a_file_rewritten_in_place(
    realdata: Path, tmp_path: Path
) -> None:
    home = tmp_path / "club"
    (home / "club").mkdir(parents=True)
    (home / "club" / "roster.csv").write_text(
        "athlete_id,display_name,sex,birth_year,weight_unit,time_zone,hr_rest,hr_max,"
        "training_group\na001,Ann,F,1985,kg,Europe/Berlin,50,190,\n"
    )
    run = home / "inbox" / "a001" / "run.gpx"
    run.parent.mkdir(parents=True)
    run.write_bytes((realdata / "gpx" / "garmin-connect_run_hr.gpx").read_bytes())
    _age(home)
    settings = load_settings(home)
    assert run_ingest(settings).success
    run.write_bytes((realdata / "gpx" / "apple-watch_run_3-segments_hr-cad-power.gpx").read_bytes())
    os.utime(run.parent, (LONG_AGO_S, LONG_AGO_S))

    def activity_files() -> int:
        with duckdb.connect(str(settings.warehouse), read_only=True) as con:
            return con.sql("select count(*) from files where kind = 'activity'").fetchall()[0][0]

    assert run_ingest(settings).success and activity_files() == 1
    assert run_ingest(settings, full_sweep=True).success and activity_files() == 2


def test_an_inbox_that_is_a_link_to_another_disk_is_swept(tmp_path: Path) -> None:
    elsewhere = tmp_path / "big_disk" / "inbox" / "a001"
    elsewhere.mkdir(parents=True)
    (elsewhere / "run.gpx").write_text("<gpx/>")
    home = tmp_path / "home"
    home.mkdir()
    (home / "inbox").symlink_to(tmp_path / "big_disk" / "inbox")
    with duckdb.connect(str(home / "warehouse.duckdb")) as con:
        received, _ = scan_and_archive(con, load_settings(home))
    assert _names(received) == ["a001/run.gpx"]


def test_the_sensor_sees_club_files_edited_or_added(club) -> None:
    settings, _ = club
    strength = settings.club / "strength"
    strength.mkdir(parents=True)
    roster = settings.club / "roster.csv"
    roster.write_text("athlete_id\na001\n")
    for path in (roster, strength):
        os.utime(path, (LONG_AGO_S, LONG_AGO_S))
    before = newest_change(settings)
    os.utime(roster)  # the coach edits the roster in place: its folder's time stays
    assert newest_change(settings) > before
    os.utime(roster, (LONG_AGO_S, LONG_AGO_S))
    (strength / "gym.csv").write_text("date\n")
    os.utime(strength / "gym.csv", (LONG_AGO_S, LONG_AGO_S))  # copied with its old time
    assert newest_change(settings) > before


def test_the_club_s_own_folders_are_listed_by_name_without_links_or_temporary_files(
    club,
) -> None:
    settings, con = club
    secret = settings.club.parent / "accounts.json"
    secret.write_text('{"accounts": {}}')
    settings.records.mkdir(parents=True)
    (settings.club / "strength").mkdir()
    for name in ("2026-03-02-b.json", "2026-03-01-a.json", "~2026-03-03.json", "notes.txt"):
        (settings.records / name).write_text("{}")
    (settings.records / "2026-03-04.json").symlink_to(secret)  # would pull the accounts in
    (settings.club / "strength" / "gym.csv").write_text("date\n")

    received, _ = scan_and_archive(con, settings)

    club_files = [
        (Path(path).name, kind)
        for path, kind in received.filter(pl.col("athlete_id").is_null())
        .select("path", "kind")
        .iter_rows()
    ]
    assert club_files == [
        ("2026-03-01-a.json", "record"),
        ("2026-03-02-b.json", "record"),
        ("gym.csv", "strength"),
    ]


def test_the_coach_s_records_are_listed_only_when_one_came(club) -> None:
    # the app writes each entry as a new document, so the records folder's time says when one
    # came; a club's thousands of records are not looked at one by one every run
    settings, con = club
    settings.records.mkdir(parents=True)
    (settings.records / "assessment-1.json").write_text("{}")
    os.utime(settings.records, (LONG_AGO_S, LONG_AGO_S))
    first, _ = scan_and_archive(con, settings)
    assert [Path(p).name for p in first.filter(pl.col("kind") == "record")["path"]] == [
        "assessment-1.json"
    ]
    received, sweep = scan_and_archive(con, settings)
    assert received.is_empty() and sweep.folders_listed == 0 and sweep.files_listed == 0

    before = newest_change(settings)
    new = settings.records / "classification-2.json"
    new.write_text("{}")
    os.utime(new, (LONG_AGO_S, LONG_AGO_S))  # whatever time the entry carries
    assert newest_change(settings) > before
    received, sweep = scan_and_archive(con, settings)
    assert [(Path(p).name, kind) for p, kind in received.select("path", "kind").iter_rows()] == [
        ("classification-2.json", "record")
    ]
    assert sweep.folders_listed == 1 and sweep.files_listed == 2
