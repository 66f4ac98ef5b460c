"""The check-in reminder job and its weekly schedule (on only when an SMTP server is configured)."""

from datetime import UTC, datetime

import dagster as dg

from pipelines.defs.automation import WAREHOUSE_WRITER
from pipelines.defs.resources import ClubFolder, Warehouse
from pipelines.notify.reminders import (
    due_reminders,
    ensure_reminders_table,
    now,
    record_attempts,
    send_reminders,
)
from pipelines.settings import Settings

NOT_CONFIGURED = "SMTP not configured: no reminders sent (set STRONGSTRIDE_SMTP_HOST and _FROM)"


class ReminderRun(dg.Config):
    """`now_utc` (ISO 8601): the moment the due weeks are worked out for; empty = the run's start.
    The schedule passes its tick's time, so a late run still reminds about the tick's week."""

    now_utc: str = ""


@dg.op(
    name="send_checkin_reminders",
    description="E-mail each member with an address whose check-in for the week is missing, once.",
)
def send_checkin_reminders(
    context: dg.OpExecutionContext, config: ReminderRun, club: ClubFolder, warehouse: Warehouse
) -> dg.Output[None]:
    settings = club.settings
    at = datetime.fromisoformat(config.now_utc).astimezone(UTC) if config.now_utc else now()
    if settings.smtp is None:
        context.log.info(NOT_CONFIGURED)
        return dg.Output(None, metadata={"sent": 0, "failed": 0, "note": NOT_CONFIGURED})
    with warehouse.connection() as con:
        ensure_reminders_table(con)
        due = due_reminders(con, settings, at)
    # no warehouse connection is held while mails go out
    attempts = send_reminders(due, settings, at)
    if not attempts.is_empty():
        with warehouse.connection() as con:
            record_attempts(con, attempts)
    sent = attempts.filter(status="sent").height
    failed = attempts.filter(status="failed")
    for athlete, error in failed.select("athlete_id", "error").iter_rows():
        context.log.warning(f"reminder to {athlete} failed: {error}")
    context.log.info(f"{sent} reminders sent, {failed.height} failed, at {at.isoformat()}")
    return dg.Output(
        None,
        metadata={
            "sent": sent,
            "failed": failed.height,
            "due_weeks": sorted({d.isoformat() for d in due["week_start"]}),
            "smtp_server": f"{settings.smtp.host}:{settings.smtp.port} ({settings.smtp.security})",
        },
    )


@dg.job(
    name="checkin_reminders",
    description="Send the weekly check-in reminder e-mails (reads and appends to the warehouse).",
    run_tags=WAREHOUSE_WRITER,
)
def checkin_reminders_job() -> None:
    send_checkin_reminders()


def build_reminder_schedule(settings: Settings) -> dg.ScheduleDefinition:
    """The club's reminder time (STRONGSTRIDE_REMINDER_CRON, club time zone); RUNNING by default only
    when SMTP is configured, so a club without mail sees it stopped, not failing."""

    def run_config(context: dg.ScheduleEvaluationContext) -> dg.RunConfig:
        tick = context.scheduled_execution_time or now()
        return dg.RunConfig(
            ops={"send_checkin_reminders": ReminderRun(now_utc=tick.astimezone(UTC).isoformat())}
        )

    return dg.ScheduleDefinition(
        name="checkin_reminders",
        job=checkin_reminders_job,
        cron_schedule=settings.reminder_cron,
        execution_timezone=settings.club_time_zone,
        run_config_fn=run_config,
        description="E-mail members whose weekly check-in is missing"
        + ("." if settings.smtp else f" (off: {NOT_CONFIGURED})."),
        default_status=(
            dg.DefaultScheduleStatus.RUNNING
            if settings.smtp is not None
            else dg.DefaultScheduleStatus.STOPPED
        ),
    )
