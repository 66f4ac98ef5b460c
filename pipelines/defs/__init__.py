"""Dagster wiring only: ingest assets, the model-graph step with its checks, publishing, automation."""

from __future__ import annotations

import dagster as dg

from pipelines.defs.assets.club import club_reference
from pipelines.defs.assets.forms import form_entries
from pipelines.defs.assets.gps import activities
from pipelines.defs.assets.inbox import raw_archive
from pipelines.defs.assets.models import build_model_graph_asset, written_tables
from pipelines.defs.assets.publish import build_publish_asset
from pipelines.defs.assets.strength import strength_sets
from pipelines.defs.automation import (
    build_blocked_notice_sensor,
    build_inbox_sensor,
    build_ingest_job,
    build_nightly_schedule,
)
from pipelines.defs.logging import LOGGERS
from pipelines.defs.reminders import build_reminder_schedule, checkin_reminders_job
from pipelines.defs.resources import club_resources
from pipelines.settings import Settings
from pipelines.transform.club_graph import club_model_graph


def build_definitions(settings: Settings) -> dg.Definitions:
    """Assets from inbox to serving file, their checks, the nightly schedule and the inbox sensor;
    the check-in reminder job and its schedule."""
    ingest = [raw_archive, club_reference, activities, strength_sets, form_entries]
    models = build_model_graph_asset(club_model_graph(), written_tables(ingest))
    marts = [key for key in models.keys if key.path[0] == "marts"]
    job = build_ingest_job()
    return dg.Definitions(
        assets=[*ingest, models, build_publish_asset(marts)],
        jobs=[job, checkin_reminders_job],
        schedules=[build_nightly_schedule(job, settings), build_reminder_schedule(settings)],
        sensors=[build_inbox_sensor(job, settings), build_blocked_notice_sensor(settings)],
        resources=club_resources(settings),
        loggers=LOGGERS,
    )
