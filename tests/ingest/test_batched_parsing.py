"""A backlog parsed in batches, its outcomes recorded a chunk at a time, gives exactly the rows of
every file parsed and recorded alone (a batch of one), on real files and a demo club's."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from pipelines.demo.generate import generate_demo_club
from pipelines.ingest.activities import (
    BATCH_BYTES,
    BATCH_FILES,
    ActivityJob,
    Backlog,
    BatchLoader,
    _batches,
    mark_duplicates,
    run_parsing,
)
from pipelines.ingest.club import install_defaults, load_club_reference
from pipelines.ingest.inbox import scan_and_archive
from pipelines.ingest.registry import record_outcomes
from pipelines.settings import load_settings
from tests.ingest.test_ingest_realdata import _strava_zip

pytestmark = pytest.mark.slow  # a demo club and the real files parsed twice

KINDS = ["activity", "strava_export"]
TABLES = {
    "activities": "select * exclude (loaded_at) from activities order by activity_id",
    "activity_samples": "select * from activity_samples order by all",
    "activity_dynamics": "select * from activity_dynamics order by all",
    "activity_developer_fields": "select * from activity_developer_fields order by all",
    "files": "select sha256, status, items, error, hint, parser_version from files order by 1",
    "ingest_errors": "select * exclude (recorded_at) from ingest_errors order by all",
}


@pytest.fixture(scope="module")
def club(realdata: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo club (its planted bad files included), with the real files in one member's
    folder and a file in the folder of an athlete not on the roster."""
    home = tmp_path_factory.mktemp("club")
    generate_demo_club(home, athletes=10, weeks=16, streams=False, workers=1)
    member = sorted(p for p in (home / "inbox").iterdir() if p.is_dir())[0]
    for folder in ("gpx", "tcx", "fit"):
        for path in sorted((realdata / folder).iterdir()):
            if not path.name.endswith(".records.csv"):
                shutil.copy(path, member / path.name)
    _strava_zip(realdata, member / "strava_export.zip")
    (home / "inbox" / "ghost").mkdir()
    shutil.copy(realdata / "gpx" / "garmin-connect_run_hr.gpx", home / "inbox" / "ghost" / "a.gpx")
    return home


def _ingest(source: Path, target: Path, chunk: int) -> tuple[dict[str, list[tuple]], int]:
    """Every activity table and the registry after parsing the club's backlog `chunk` files at a
    time, and how many files were parsed."""
    shutil.copytree(source, target)
    return _parse_backlog(target, chunk)


def _parse_backlog(home: Path, chunk: int = 4096) -> tuple[dict[str, list[tuple]], int]:
    settings = replace(load_settings(home), parse_workers=1)
    install_defaults(settings)
    with duckdb.connect(str(settings.warehouse)) as con:
        scan_and_archive(con, settings)
        load_club_reference(con, settings)
        backlog = Backlog(con, settings, KINDS, chunk=chunk)
        record_outcomes(con, backlog.rejected())
        with BatchLoader(con, backlog) as load:
            run_parsing(backlog, settings, load)
        mark_duplicates(con)
        return {name: con.sql(sql).fetchall() for name, sql in TABLES.items()}, backlog.files


def test_batches_give_the_rows_of_every_file_parsed_alone(club: Path, tmp_path: Path) -> None:
    alone, files = _ingest(club, tmp_path / "alone", chunk=1)
    chunk = BATCH_FILES + 16  # each chunk two batches: a full one and a short one
    batched, _ = _ingest(club, tmp_path / "batched", chunk=chunk)
    assert files > 2 * chunk
    # what the comparison covers: real and demo activities, rejected files, errors, running form
    statuses = {row[1] for row in alone["files"]}
    assert {"ingested", "rejected"} <= statuses
    assert all(alone[name] for name in ("activities", "activity_samples", "ingest_errors"))
    assert alone["activity_dynamics"] and alone["activity_developer_fields"]
    for name in TABLES:
        assert batched[name] == alone[name], name


def test_rows_stored_without_their_outcomes_are_replaced_by_the_next_run(
    club: Path, tmp_path: Path
) -> None:
    """A run killed after writing batches' rows but before recording their files' outcomes: the
    files are still pending, and the next run parses them again in place of those rows."""
    expected, _ = _ingest(club, tmp_path / "whole", chunk=4096)
    home = tmp_path / "killed"
    shutil.copytree(club, home)
    settings = replace(load_settings(home), parse_workers=1)
    install_defaults(settings)
    with duckdb.connect(str(settings.warehouse)) as con:
        scan_and_archive(con, settings)
        load_club_reference(con, settings)
        backlog = Backlog(con, settings, KINDS)
        unknown = len(backlog.rejected())
        loader = BatchLoader(con, backlog)  # not a `with` block: nothing records the outcomes
        run_parsing(backlog, settings, loader)
        loader.write()
        stored = con.sql("select count(*) from activities").fetchall()[0][0]
        pending = con.sql(
            "select count(*) from files where status = 'pending' and list_contains(?, kind)",
            params=[KINDS],
        ).fetchall()[0][0]
    assert stored == len(expected["activities"])
    assert pending == backlog.files + unknown

    resumed, _ = _parse_backlog(home)

    for name in TABLES:
        assert resumed[name] == expected[name], name


def _job(number: int, size_bytes: int) -> ActivityJob:
    return ActivityJob(
        f"{number:064x}",
        "a001",
        "",
        f"{number}.gpx",
        "activity",
        "UTC",
        None,
        None,
        None,
        size_bytes,
    )


def test_a_batch_holds_up_to_its_files_and_bytes_and_never_spans_two_chunks() -> None:
    small, large = 13_000, BATCH_BYTES // 2 - 1  # two large files fit, not with a small one
    chunk = [_job(n, small) for n in range(BATCH_FILES + 1)] + [_job(n, large) for n in range(4)]
    batches = [
        [job.size_bytes for job in batch]
        for batch in _batches(iter([chunk, chunk[:1]]), BATCH_FILES)
    ]
    assert batches == [
        [small] * BATCH_FILES,
        [small, large],
        [large, large],
        [large],
        [small],  # the next chunk's
    ]
    too_large = [_job(0, 2 * BATCH_BYTES)]  # a file over the bytes is a batch of its own
    assert [len(batch) for batch in _batches(iter([too_large * 2]), BATCH_FILES)] == [1, 1]
