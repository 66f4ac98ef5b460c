"""Run the whole pipeline once, in this process, through Dagster (what `strongstride ingest` does)."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass

import dagster as dg
import duckdb

from pipelines.defs import build_definitions
from pipelines.defs.assets.inbox import InboxSweep
from pipelines.defs.assets.models import ModelBuild
from pipelines.publish.serving import publish_serving
from pipelines.settings import Settings

# The club's data never leaves the machine: no usage telemetry from Dagster either. Runs tagged as
# warehouse writers (the ingest and reminder jobs, WAREHOUSE_WRITER) wait in the run queue for each
# other: DuckDB allows one writing process. (`execute_in_process`, as `strongstride ingest` uses,
# bypasses the queue; the Warehouse resource waits and retries when the file is held.)
INSTANCE_CONFIG = """telemetry:
  enabled: false
concurrency:
  runs:
    tag_concurrency_limits:
      - key: strongstride/warehouse
        limit: 1
"""
# What earlier versions wrote: upgraded in place (an operator's own edits are left alone).
OLD_INSTANCE_CONFIGS = ("telemetry:\n  enabled: false\n",)


@dataclass(frozen=True)
class IngestOutcome:
    """How a run ended: success, its id, and why publication was blocked if it was."""

    success: bool
    run_id: str
    blocked_reason: str | None


def club_instance(settings: Settings) -> dg.DagsterInstance:
    """The club's own Dagster instance, so runs started here show in the operator's Dagster UI."""
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    config = settings.dagster_home / "dagster.yaml"
    if not config.exists() or config.read_text() in OLD_INSTANCE_CONFIGS:
        config.write_text(INSTANCE_CONFIG)
    return dg.DagsterInstance.from_config(str(settings.dagster_home))


def run_ingest(
    settings: Settings,
    full_sweep: bool = False,
    *,
    full_rebuild: bool = False,
    instance: dg.DagsterInstance | None = None,
    terminal: bool = False,
) -> IngestOutcome:
    """Materialize every asset and check; a failed run keeps the last good serving file.

    `full_sweep` lists every inbox folder instead of only those that changed (see InboxSweep).
    `instance` records the run (the caller keeps it open and closes it); by default the club's own,
    so the run shows in the operator's Dagster UI. Tests pass `DagsterInstance.ephemeral()`.
    `full_rebuild` rebuilds every model whole instead of only what the changed athletes' data
    touches (it happens by itself when the settings, a club file or a model's code changed).
    `terminal`: for a person at a terminal: a line per stage (defs/logging.py) and only warnings of
    Dagster's own log, which goes whole to the instance and to `.dagster/logs/ingest.log`.
    """
    for folder in (settings.inbox, settings.club, settings.raw):
        folder.mkdir(parents=True, exist_ok=True)
    job = build_definitions(settings).resolve_job_def("ingest")
    loggers = (
        {
            "console": {"config": {"log_level": "WARNING"}},
            "progress": {},
            "file": {"config": {"path": str(settings.dagster_home / "logs" / "ingest.log")}},
        }
        if terminal
        else {}
    )
    run_config = dg.RunConfig(
        ops={
            "raw_archive": InboxSweep(full_sweep=full_sweep),
            "model_graph": ModelBuild(full_rebuild=full_rebuild),
        },
        loggers=loggers,
    )
    recorder = club_instance(settings) if instance is None else nullcontext(instance)
    with recorder as active:
        result = job.execute_in_process(
            run_config=run_config, instance=active, raise_on_error=False
        )
    if result.success:
        return IngestOutcome(True, result.run_id, None)
    reason = _failure_reason(result.all_events)
    try:
        _, blocked = publish_serving(settings.warehouse, settings.serving, result.run_id, reason)
    except (OSError, duckdb.Error) as err:
        # e.g. the disk is still full: the last good serving file stays as it was
        blocked = f"{reason}; the dashboard's notice could not be written either ({err})"
    return IngestOutcome(False, result.run_id, blocked)


def _failure_reason(events: list[dg.DagsterEvent]) -> str:
    for event in events:
        if event.is_step_failure and event.step_failure_data.error:
            message = event.step_failure_data.error.message.strip()
            return f"step {event.step_key} failed: {message}"
    return "the run did not finish"
