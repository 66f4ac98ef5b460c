"""The Dagster definitions: they load, the graph is what review expects, automation is set right."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import pytest

from pipelines.defs import build_definitions
from pipelines.settings import load_settings
from tests.conftest import run_ingest

SNAPSHOT = Path(__file__).parent / "snapshots" / "definitions.json"


@pytest.fixture
def club(tmp_path: Path) -> Path:
    (tmp_path / "inbox").mkdir()
    return tmp_path


@pytest.fixture
def defs(club: Path) -> dg.Definitions:
    return build_definitions(load_settings(club))


def graph_snapshot(defs: dg.Definitions) -> dict[str, list[str]]:
    """Asset keys, checks, schedules and sensors, as plain sorted strings."""
    graph = defs.resolve_asset_graph()
    return {
        "assets": sorted(key.to_user_string() for key in graph.get_all_asset_keys()),
        "checks": sorted(
            f"{key.asset_key.to_user_string()}:{key.name}" for key in graph.asset_check_keys
        ),
        "schedules": sorted(s.name for s in defs.schedules or []),
        "sensors": sorted(s.name for s in defs.sensors or []),
    }


def test_definitions_load(defs: dg.Definitions) -> None:
    dg.Definitions.validate_loadable(defs)


def test_graph_matches_the_reviewed_snapshot(defs: dg.Definitions) -> None:
    # Regenerate with: uv run python -m tests.defs.test_definitions
    assert graph_snapshot(defs) == json.loads(SNAPSHOT.read_text())


def test_every_asset_says_what_it_is(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        assert graph.get(key).description, f"{key.to_user_string()} has no description"


def test_lineage_runs_from_inbox_to_serving_file(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    upstream = graph.get_ancestor_asset_keys(dg.AssetKey("serving_file"))
    assert {
        dg.AssetKey("raw_archive"),
        dg.AssetKey("activities"),
        dg.AssetKey("strength_sets"),
    } <= upstream


def test_nightly_schedule_runs_at_two_in_the_club_time_zone(defs: dg.Definitions) -> None:
    schedule = defs.resolve_schedule_def("nightly_ingest")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Europe/London"
    assert schedule.job_name == "ingest"


def test_sensor_triggers_once_per_new_file(defs: dg.Definitions, club: Path) -> None:
    sensor = defs.resolve_sensor_def("inbox_sensor")
    first = sensor(dg.build_sensor_context())
    assert isinstance(first, dg.SkipReason)
    (club / "inbox" / "a001").mkdir()
    (club / "inbox" / "a001" / "run.gpx").write_text("<gpx/>")
    second = sensor(dg.build_sensor_context())
    assert isinstance(second, dg.SensorResult) and len(second.run_requests) == 1
    again = sensor(dg.build_sensor_context(cursor=second.cursor))
    assert isinstance(again, dg.SkipReason)


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as home:
        snapshot = graph_snapshot(build_definitions(load_settings(home)))
    SNAPSHOT.write_text(json.dumps(snapshot, indent=2) + "\n")


@pytest.mark.slow
def test_the_model_step_materializes_a_subset_with_its_checks(club: Path) -> None:
    (club / "club").mkdir()
    (club / "club" / "roster.csv").write_text(
        "athlete_id,display_name,sex,birth_year,weight_unit,time_zone,hr_rest,hr_max,training_group\n"
        "s001,Subset Runner,F,1990,kg,Europe/London,50,190,A\n"
    )
    settings = load_settings(club)
    assert run_ingest(settings).success
    subset = [dg.AssetKey(["marts", "mart_athletes"]), dg.AssetKey(["marts", "mart_at_risk"])]
    job = build_definitions(settings).resolve_implicit_global_asset_job_def()
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(instance=instance, asset_selection=subset)
    assert result.success
    built = {
        event.asset_key
        for event in result.all_events
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION
    }
    assert built == set(subset)
    steps = {event.step_key for event in result.all_events if event.step_key}
    assert steps == {"model_graph"}
    materialization = result.asset_materializations_for_node("model_graph")[0]
    assert {"rows", "seconds"} <= set(materialization.metadata)


def test_reminder_schedule_is_on_only_with_an_smtp_server(
    club: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    off = build_definitions(load_settings(club)).resolve_schedule_def("checkin_reminders")
    assert off.default_status == dg.DefaultScheduleStatus.STOPPED
    assert (off.cron_schedule, off.execution_timezone) == ("0 18 * * 1", "Europe/London")
    assert off.job_name == "checkin_reminders"
    monkeypatch.setenv("STRONGSTRIDE_SMTP_HOST", "mail.example.org")
    monkeypatch.setenv("STRONGSTRIDE_SMTP_FROM", "coach@example.org")
    monkeypatch.setenv("STRONGSTRIDE_REMINDER_CRON", "30 19 * * 0")
    on = build_definitions(load_settings(club)).resolve_schedule_def("checkin_reminders")
    assert on.default_status == dg.DefaultScheduleStatus.RUNNING
    assert on.cron_schedule == "30 19 * * 0"


def test_warehouse_writers_share_one_run_queue_slot(defs: dg.Definitions) -> None:
    # dagster.yaml (pipelines/run.py) limits runs with this tag to one at a time
    for name in ("ingest", "checkin_reminders"):
        assert defs.resolve_job_def(name).run_tags == {"strongstride/warehouse": "writer"}


def test_club_instance_queues_warehouse_writers_one_at_a_time(club: Path) -> None:
    from pipelines.run import club_instance

    settings = load_settings(club)
    settings.dagster_home.mkdir()
    (settings.dagster_home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    with club_instance(settings) as instance:  # an earlier version's file is upgraded
        limits = instance.get_concurrency_config().run_queue_config.tag_concurrency_limits
    assert limits == [{"key": "strongstride/warehouse", "limit": 1}]
