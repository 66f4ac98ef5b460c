"""A batch's files summarised together keep each file's own outcome, whatever befalls another."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest import activities
from pipelines.ingest.activities import ActivityJob, BatchResult, parse_batch
from pipelines.parsers.activity import activity_file
from pipelines.settings import Thresholds

RUN = "gpx/garmin-connect_run_hr.gpx"  # one run with GPS
NO_GPS = "fit/garmin-fr70_run_footpod-no-gps_system-time.fit"  # its zone is the roster's
TRIATHLON = "fit/garmin-fr920xt_triathlon_multisport_chained-fit.fit"  # five activities


def _job(realdata: Path, name: str, time_zone: str = "Europe/Berlin") -> ActivityJob:
    return ActivityJob(
        sha256=hashlib.sha256(f"{name}{time_zone}".encode()).hexdigest(),
        athlete_id="r001",
        raw_path=str(realdata / name),
        original_name=Path(name).name,
        kind="activity",
        time_zone=time_zone,
        hr_rest=50,
        hr_max=190,
        sex="F",
        size_bytes=(realdata / name).stat().st_size,
    )


def test_a_file_whose_summary_fails_unexpectedly_costs_only_itself(realdata: Path) -> None:
    # a roster zone that is no zone fails only where the roster's zone is needed: no GPS fix
    jobs = [
        _job(realdata, RUN),
        _job(realdata, NO_GPS, time_zone="Mars/Olympus_Mons"),
        _job(realdata, TRIATHLON),
    ]
    result = parse_batch(jobs, Thresholds())
    run, no_gps, triathlon = result.outcomes
    assert [o.sha256 for o in result.outcomes] == [job.sha256 for job in jobs]
    assert (run.status, run.items, triathlon.status, triathlon.items) == (
        "ingested",
        1,
        "ingested",
        5,
    )
    assert no_gps.status == "rejected"
    assert "ValueError" in no_gps.error and "Mars/Olympus_Mons" in no_gps.error
    assert len(result.activities) == 6
    (samples,) = result.samples
    ids = {row["activity_id"] for row in result.activities}
    assert set(samples.get_column("activity_id").unique()) == ids
    assert samples.height == sum(row["n_points"] for row in result.activities)


def test_a_batch_gives_each_file_the_rows_it_gets_alone(realdata: Path) -> None:
    jobs = [_job(realdata, RUN), _job(realdata, NO_GPS), _job(realdata, TRIATHLON)]
    together = parse_batch(jobs, Thresholds())
    alone = [parse_batch([job], Thresholds()) for job in jobs]
    assert together.outcomes == [o for result in alone for o in result.outcomes]
    assert together.activities == [row for result in alone for row in result.activities]
    assert together.samples[0].equals(pl.concat([result.samples[0] for result in alone]))


def test_a_batch_types_its_files_points_together_as_each_file_alone(
    realdata: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GPX, TCX (one gzipped, one of 384 points typed at once) and FIT; a GPX with untimed points,
    # checked on its own; a route, a copy cut short (salvaged) and a file that is no activity file
    monkeypatch.setattr(activity_file, "BATCHED_POINTS", 350)
    cut = tmp_path / "cut-short.gpx"
    cut.write_bytes((realdata / RUN).read_bytes()[:20_000])
    junk = tmp_path / "junk.gpx"
    junk.write_bytes(b"no activity here")
    names = [
        RUN,
        "tcx/garmin-fr410_run_hr_3laps.tcx",
        "gpx/gpsbabel_8-tracks_mostly-no-timestamps.gpx",
        "fit/garmin-fenix5_run_hr_short.fit",
        "gpx/bikerouter_planned-route_no-timestamps.gpx",
        str(cut),
        "tcx/garmin_run_scrubbed-gps-hr.tcx.gz",
        str(junk),
    ]
    jobs = [_job(realdata, name) for name in names]
    together = parse_batch(jobs, Thresholds())
    alone = [parse_batch([job], Thresholds()) for job in jobs]
    _assert_same_rows(together, alone)
    assert [o.status for o in together.outcomes] == [
        "ingested",
        "ingested",
        "ingested",
        "ingested",
        "rejected",
        "ingested",
        "ingested",
        "rejected",
    ]


def test_when_typing_a_batchs_points_fails_each_file_is_typed_alone(
    realdata: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fails(readers: list) -> list:
        raise RuntimeError("the batch's query failed")

    monkeypatch.setattr(activities, "samples_from_points", fails)
    jobs = [_job(realdata, RUN), _job(realdata, "tcx/garmin-fr410_run_hr_3laps.tcx")]
    together = parse_batch(jobs, Thresholds())
    monkeypatch.undo()
    alone = [parse_batch([job], Thresholds()) for job in jobs]
    assert [o.status for o in together.outcomes] == ["ingested", "ingested"]
    _assert_same_rows(together, alone)


def _assert_same_rows(together: BatchResult, alone: list[BatchResult]) -> None:
    assert together.outcomes == [o for result in alone for o in result.outcomes]
    assert together.activities == [row for result in alone for row in result.activities]
    assert together.samples[0].equals(
        pl.concat([result.samples[0] for result in alone if result.samples])
    )
