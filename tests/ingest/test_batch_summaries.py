"""A batch's files summarised together keep each file's own outcome, whatever befalls another."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl

from pipelines.ingest.activities import ActivityJob, parse_batch
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
