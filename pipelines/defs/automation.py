"""The ingest job, its nightly schedule, the inbox sensor, and the notice when a run is blocked."""

import json

import dagster as dg

from pipelines.ingest.inbox import club_candidates, folder_mtimes
from pipelines.publish.serving import publish_serving
from pipelines.settings import Settings

# Every job that writes the warehouse carries this run tag. DuckDB allows one writing process, so the
# club's dagster.yaml (pipelines/run.py) limits runs with this tag to one at a time: the run queue
# holds a reminder run while an ingest run is in progress, and an ingest run behind another.
WAREHOUSE_WRITER = {"strongstride/warehouse": "writer"}


def build_ingest_job() -> dg.JobDefinition:
    """Everything from inbox to serving file, one step at a time (DuckDB allows one writer)."""
    return dg.define_asset_job(
        "ingest",
        selection=dg.AssetSelection.all(),
        description="Archive new files, parse them, rebuild the models and publish the serving file.",
        executor_def=dg.in_process_executor,
        run_tags=WAREHOUSE_WRITER,
    )


def build_nightly_schedule(job: dg.JobDefinition, settings: Settings) -> dg.ScheduleDefinition:
    """The nightly sweep at 02:00 in the club's time zone."""
    return dg.ScheduleDefinition(
        name="nightly_ingest",
        job=job,
        cron_schedule=settings.nightly_cron,
        execution_timezone=settings.club_time_zone,
        description="Process everything new every night.",
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )


def newest_change(settings: Settings) -> int:
    """The newest modification time (ns) of the athletes' inbox folders and the club's files.

    A folder's time moves whenever a file is added to it, whatever time the file itself carries,
    so the inbox is watched by its folders only: this runs every minute over the club's whole
    history. So are the coach's records (each entry a new document). The club's own files are few
    and are watched one by one (edited in place, their folder's time stays). 0 when there is
    nothing yet.
    """
    times = [mtime for path, mtime in folder_mtimes(settings.inbox) if path != str(settings.inbox)]
    times += club_candidates(settings)["mtime_ns"].to_list()
    for folder in (settings.club / "strength", settings.records):
        if folder.is_dir():
            times.append(folder.stat().st_mtime_ns)
    return max(times, default=0)


def build_inbox_sensor(job: dg.JobDefinition, settings: Settings) -> dg.SensorDefinition:
    """Launches a run when files newer than the cursor appear, so the same files never trigger twice."""

    @dg.sensor(
        name="inbox_sensor",
        job=job,
        minimum_interval_seconds=30,
        description="Start an ingest run when a member drops a file into the inbox or the coach "
        "changes a club file.",
        default_status=dg.DefaultSensorStatus.RUNNING,
    )
    def inbox_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
        seen = json.loads(context.cursor)["newest_ns"] if context.cursor else 0
        newest = newest_change(settings)
        if newest <= seen:
            return dg.SkipReason("no new files in the inbox or club folder")
        return dg.SensorResult(
            run_requests=[dg.RunRequest(run_key=f"inbox-{newest}")],
            cursor=json.dumps({"newest_ns": newest}),
        )

    return inbox_sensor


def build_blocked_notice_sensor(settings: Settings) -> dg.SensorDefinition:
    """When a run fails (e.g. a blocking check), keep the last good data and say why on Data health."""

    @dg.run_failure_sensor(
        name="blocked_publication_notice",
        description="Record why a failed run published nothing, next to the last good data.",
        default_status=dg.DefaultSensorStatus.RUNNING,
    )
    def blocked_publication_notice(context: dg.RunFailureSensorContext) -> None:
        if settings.warehouse.exists():
            publish_serving(
                settings.warehouse,
                settings.serving,
                context.dagster_run.run_id,
                run_failure=f"run {context.dagster_run.run_id[:8]} failed: {context.failure_event.message}",
            )

    return blocked_publication_notice
