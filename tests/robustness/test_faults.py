"""Faults during a run: killed mid-ingest, a full disk at publish, a damaged serving file.

After each, the next run's tables equal those of one clean run on the same inputs, the dashboard
kept serving the last good data, and the raw archive was never changed (checked by hashes).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from dashboard import data
from dashboard.accounts.viewer import Viewer
from pipelines.ingest.activities import ActivityJob, BatchResult, parse_job
from pipelines.settings import load_settings
from tests.robustness.club import (
    CleanRun,
    assert_archive_kept,
    assert_same_rows,
    copy_home,
    ingest,
    raw_archive,
    rows,
    serving_marts,
    warehouse_tables,
)

REPO = Path(__file__).resolve().parents[2]
PROGRESS = re.compile(r"parsed (\d+)/(\d+) activity files")
RUN_DEADLINE_S = 300
COACH = Viewer("coach.morgan", "coach", None)


def kill_while_parsing(home: Path) -> tuple[int, int]:
    """Start `strongstride ingest`, SIGKILL it and its workers once a batch is stored; (done, total)."""
    process = subprocess.Popen(
        # --verbose: Dagster's event log, with the parsers' "parsed n/N" lines, on stderr
        [sys.executable, "-m", "pipelines.cli.main", "ingest", "--verbose"],
        cwd=REPO,
        env=os.environ
        | {"STRONGSTRIDE_HOME": str(home), "STRONGSTRIDE_WORKERS": "2", "PYTHONUNBUFFERED": "1"},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the kill takes the parse workers too
    )

    def kill() -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    watchdog = threading.Timer(RUN_DEADLINE_S, kill)
    watchdog.start()
    try:
        for line in process.stderr:
            progress = PROGRESS.search(line)
            if progress:
                kill()  # like a power cut or the OOM killer: no cleanup code runs
                return int(progress[1]), int(progress[2])
        pytest.fail("the run ended (or hung) before it stored a batch of parsed files")
    finally:
        watchdog.cancel()
        kill()
        process.wait()


@pytest.mark.slow  # an ingest subprocess killed, then whole pipeline runs
def test_a_run_killed_mid_ingest_loses_nothing_and_the_next_run_catches_up(
    club_inputs: Path, clean_run: CleanRun, tmp_path: Path
) -> None:
    home = copy_home(club_inputs, tmp_path / "home")
    done, total = kill_while_parsing(home)
    assert 0 < done < total
    warehouse = home / "warehouse.duckdb"
    statuses = dict(
        rows(warehouse, "select status, count(*) from files where kind = 'activity' group by 1")
    )
    assert statuses.get("pending", 0) > 0, "the kill came after parsing finished"
    archive = raw_archive(home)

    outcome = ingest(home)

    assert outcome.success, outcome.blocked_reason
    assert_archive_kept(archive, raw_archive(home))
    assert_same_rows(clean_run.warehouse, warehouse_tables(home))
    assert_same_rows(clean_run.marts, serving_marts(home))


@pytest.mark.slow  # whole pipeline runs
def test_a_full_disk_at_publish_then_a_damaged_serving_file_keep_the_last_good_data(
    clean_run: CleanRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = copy_home(clean_run.home, tmp_path / "home")
    serving = home / "serving.duckdb"
    published = serving.read_bytes()
    archive = raw_archive(home)
    monkeypatch.setenv("STRONGSTRIDE_HOME", str(home))
    shown = data.club_weekly(COACH)
    real_replace = os.replace

    def full_disk(source: str | Path, target: str | Path) -> None:
        if Path(target) == serving:  # only the serving file's swap meets the full disk
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
        real_replace(source, target)

    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", full_disk)
        outcome = ingest(home)

    assert not outcome.success
    assert "No space left on device" in outcome.blocked_reason
    assert serving.read_bytes() == published
    assert sorted(p.name for p in home.glob("serving.duckdb*")) == ["serving.duckdb"]
    assert data.club_weekly(COACH).equals(shown)
    assert_same_rows(clean_run.warehouse, warehouse_tables(home))

    serving.write_bytes(published[: len(published) // 2])  # a copy cut short: unreadable
    assert data.club_weekly(COACH).equals(shown)
    status = data.serving_status(COACH)
    assert status.readable
    assert "could not be read" in status.notice and "showing the last good data" in status.notice

    outcome = ingest(home)

    assert outcome.success, outcome.blocked_reason
    assert data.serving_status(COACH).notice is None
    assert data.club_weekly(COACH).equals(shown)
    assert_same_rows(clean_run.marts, serving_marts(home))
    assert_same_rows(clean_run.warehouse, warehouse_tables(home))
    assert_archive_kept(archive, raw_archive(home))


def _job(path: Path, name: str) -> ActivityJob:
    return ActivityJob(
        sha256=hashlib.sha256(name.encode()).hexdigest(),
        athlete_id="r001",
        raw_path=str(path),
        original_name=name,
        kind="activity",
        time_zone="Europe/Berlin",
        hr_rest=50,
        hr_max=190,
        sex="F",
        size_bytes=path.stat().st_size,
    )


def test_an_unreadable_archived_file_is_recorded_and_the_rest_of_the_batch_goes_on(
    realdata: Path, tmp_path: Path
) -> None:
    unreadable = _job(tmp_path, "lost.gpx")  # a folder where the file should be: an I/O error
    readable = _job(realdata / "gpx/garmin-connect_run_hr.gpx", "run.gpx")
    result = BatchResult()
    for job in (unreadable, readable):
        parse_job(job, load_settings(tmp_path).thresholds, result)
    lost, kept = result.outcomes
    assert (lost.status, kept.status, kept.items) == ("rejected", "ingested", 1)
    assert "IsADirectoryError" in lost.error and "raw archive" in lost.hint
