"""Three small clubs, one Dagster partition each, refreshed in parallel processes in their own folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.federation.refresh import CLUB_ASSET, build_federation_definitions, run_federation

RUNS = {
    "harriers": "fit/garmin-fr110_run_hr_5laps.fit",
    "striders": "gpx/garmin-connect_run_hr.gpx",
    "trotters": "tcx/garmin-fr410_run_hr_3laps.tcx",
}
ROSTER = (
    "athlete_id,display_name,sex,birth_year,weight_unit,time_zone,hr_rest,hr_max,training_group\n"
    "{a},Member of {club},F,1985,kg,Europe/Berlin,50,190,\n"
)


@pytest.fixture
def federation(realdata: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for club, run in RUNS.items():
        (tmp_path / club / "club").mkdir(parents=True)
        (tmp_path / club / "club" / "roster.csv").write_text(
            ROSTER.format(a=f"{club}-1", club=club)
        )
        inbox = tmp_path / club / "inbox" / f"{club}-1"
        inbox.mkdir(parents=True)
        shutil.copy(realdata / run, inbox)
    monkeypatch.setenv("STRONGSTRIDE_FEDERATION", str(tmp_path))
    return tmp_path


def _serving_athletes(home: Path) -> list[tuple[str]]:
    with duckdb.connect(str(home / "serving.duckdb"), read_only=True) as con:
        return con.sql("select distinct athlete_id from mart_athlete_runs").fetchall()


def test_one_partition_per_club(federation: Path) -> None:
    defs = build_federation_definitions(federation)
    club = defs.resolve_assets_def(CLUB_ASSET)
    assert club.partitions_def.get_partition_keys() == sorted(RUNS)


@pytest.mark.slow  # whole pipeline runs, one process per club
def test_three_clubs_run_in_parallel_and_keep_their_own_files(federation: Path) -> None:
    result = run_federation(federation)
    assert result.success
    spans: dict[str, list[float]] = {}
    with dg.DagsterInstance.from_config(str(federation / ".dagster")) as instance:
        for entry in instance.all_logs(result.run_id):
            event = entry.dagster_event
            on_a_club = event and (event.step_key or "").startswith("refresh_club")
            if on_a_club and (event.is_step_start or event.is_step_success):
                spans.setdefault(event.step_key, []).append(entry.timestamp)
        assert instance.get_materialized_partitions(CLUB_ASSET) == set(RUNS)
    assert len(spans) == len(RUNS)
    starts = sorted(min(s) for s in spans.values())
    ends = sorted(max(s) for s in spans.values())
    assert starts[1] < ends[0], "no two clubs were processed at the same time"
    for club in RUNS:
        assert _serving_athletes(federation / club) == [(f"{club}-1",)]


@pytest.mark.slow  # whole pipeline runs, one process per club
def test_one_club_is_refreshed_by_materializing_its_partition(federation: Path) -> None:
    defs = build_federation_definitions(federation)
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            [defs.resolve_assets_def(CLUB_ASSET)], partition_key="striders", instance=instance
        )
        assert result.success
        assert instance.get_materialized_partitions(CLUB_ASSET) == {"striders"}
    assert _serving_athletes(federation / "striders") == [("striders-1",)]
    assert not (federation / "harriers" / "serving.duckdb").exists()
