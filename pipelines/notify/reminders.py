"""Weekly check-in reminders: who is due one, the short mail, and the record of every try.

A member is reminded when the roster gives them an email and the check-in due now in their own time
zone (`checkin_week`) has no answer that counts (`int_ostrc_answers`: app check-ins and the club's
ostrc.csv), no entry waiting in their inbox for the next run, and no reminder already *sent* for
that week (`reminders_sent`). A failed try is recorded as failed and does not block the next
scheduled run from trying again. Mails go out with no warehouse connection held; the tries are
appended in one batch afterwards.
"""

from __future__ import annotations

import json
import smtplib
import ssl
from collections.abc import Iterable
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb
import polars as pl

from pipelines.ingest.tables import REMINDERS_SENT
from pipelines.parsers.forms.entries import CHECKIN
from pipelines.settings import Settings, SmtpSettings, checkin_deadline, checkin_week
from pipelines.warehouse import append_rows, table_exists, transaction

ANSWERS = "int_ostrc_answers"
SUBJECT = "Your weekly StrongStride check-in"
SMTP_TIMEOUT_S = 30
DUE_SCHEMA: dict[str, pl.DataType] = {
    "athlete_id": pl.String(),
    "display_name": pl.String(),
    "email": pl.String(),
    "time_zone": pl.String(),
    "local_date": pl.Date(),
    "week_start": pl.Date(),
}


def due_reminders(
    con: duckdb.DuckDBPyConnection, settings: Settings, now_utc: datetime
) -> pl.DataFrame:
    """The members to remind at `now_utc`, one row each with the week (Monday) their check-in is for.

    Nobody is due before the pipeline has built `athletes` and `int_ostrc_answers`: without the
    answers, who has answered is unknown, and a member who has must never be reminded.
    """
    if not (table_exists(con, "athletes") and table_exists(con, ANSWERS)):
        return pl.DataFrame(schema=DUE_SCHEMA)
    columns = con.sql(
        "select column_name from information_schema.columns where table_name = 'athletes'"
    ).fetchall()
    if ("email",) not in columns:  # a warehouse from before the roster had emails
        return pl.DataFrame(schema=DUE_SCHEMA)
    athletes = con.sql(
        "select athlete_id, display_name, email, time_zone from athletes "
        "where email is not null order by athlete_id"
    ).pl()
    local = [
        now_utc.astimezone(_zone(tz, settings.club_time_zone)).date()
        for tz in athletes["time_zone"]
    ]
    candidates = athletes.with_columns(
        pl.Series("local_date", local, dtype=pl.Date),
        pl.Series(
            "week_start", [checkin_week(d, settings.thresholds) for d in local], dtype=pl.Date
        ),
    )
    sent = (
        "select athlete_id, week_start from reminders_sent where status = 'sent'"
        if table_exists(con, REMINDERS_SENT.name)
        else "select null::varchar as athlete_id, null::date as week_start where false"
    )
    con.register("_candidates", candidates)
    try:
        due = con.sql(
            f"""
            select c.*
            from _candidates as c
            anti join {ANSWERS} as a
                on c.athlete_id = a.athlete_id and c.week_start = a.week_start
            anti join ({sent}) as s
                on c.athlete_id = s.athlete_id and c.week_start = s.week_start
            order by c.athlete_id
            """  # noqa: S608 (fixed table names)
        ).pl()
    finally:
        con.unregister("_candidates")
    waiting = [
        not _checkin_waiting(settings.member_forms(athlete), week, settings.thresholds.max_form_kb)
        for athlete, week in due.select("athlete_id", "week_start").iter_rows()
    ]
    return due.filter(pl.Series(waiting, dtype=pl.Boolean)).cast(DUE_SCHEMA)


def _zone(name: str | None, fallback: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or fallback)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(fallback)


def _checkin_waiting(forms: Path, week_start: date, max_form_kb: int) -> bool:
    """Whether the member's inbox holds a check-in for the week that no run has loaded yet.

    The app writes an entry the moment it is submitted and the sensor loads it within a minute or so;
    a reminder run in that minute must not ask for an answer just given. Any readable check-in
    document for the week counts (one already loaded costs nothing here: the anti-join dropped it).
    """
    if not forms.is_dir():
        return False
    for path in forms.iterdir():
        try:
            if not path.is_file() or path.stat().st_size > max_form_kb * 1024:
                continue
            document = json.loads(path.read_bytes())
        except (OSError, ValueError):
            continue
        if (
            isinstance(document, dict)
            and document.get("form") == CHECKIN
            and document.get("week_start") == week_start.isoformat()
        ):
            return True
    return False


def _day(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def reminder_text(display_name: str, week_start: date, local_date: date, settings: Settings) -> str:
    """The plain-text body: whom, which week (Monday-Sunday), by when, and where to answer."""
    week_end = week_start.fromordinal(week_start.toordinal() + 6)
    deadline = checkin_deadline(week_start, settings.thresholds)
    when = (
        f"Please answer by {_day(deadline)}."
        if local_date <= deadline
        else f"It was due by {_day(deadline)}; a late answer still counts."
    )
    where = (
        f"Answer it here: {settings.app_url}/checkin"
        if settings.app_url
        else "Answer it on the Check-in page of the StrongStride app."
    )
    return (
        f"Hello {display_name},\n\n"
        f"Your weekly health check-in for {_day(week_start)} to {_day(week_end)} is not in yet. "
        "It takes about a minute: a few questions about any pain or problems you had that week.\n\n"
        f"{when}\n{where}\n\n"
        "You get at most one reminder a week, and only while that week's check-in is missing. "
        "To stop these e-mails, ask your coach to remove your address from the club roster.\n"
    )


def reminder_message(row: dict, settings: Settings, smtp: SmtpSettings) -> EmailMessage:
    """One member's reminder mail."""
    message = EmailMessage()
    message["Subject"] = SUBJECT
    message["From"] = smtp.sender
    message["To"] = row["email"]
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=smtp.sender.rpartition("@")[2] or None)
    message.set_content(
        reminder_text(row["display_name"], row["week_start"], row["local_date"], settings)
    )
    return message


def _open(smtp: SmtpSettings) -> smtplib.SMTP:
    if smtp.security == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(
            smtp.host, smtp.port, timeout=SMTP_TIMEOUT_S, context=ssl.create_default_context()
        )
    else:
        server = smtplib.SMTP(smtp.host, smtp.port, timeout=SMTP_TIMEOUT_S)
    try:
        if smtp.security == "starttls":
            server.starttls(context=ssl.create_default_context())
        if smtp.user:
            server.login(smtp.user, smtp.password or "")
    except BaseException:
        server.close()
        raise
    return server


def _reason(error: BaseException) -> str:
    """The error in a line an operator can act on (never the password: smtplib does not echo it)."""
    return f"{type(error).__name__}: {error}"[:500]


def send_reminders(due: pl.DataFrame, settings: Settings, now_utc: datetime) -> pl.DataFrame:
    """Send one reminder per row of `due`; every try as a `reminders_sent` row (sent or failed).

    `sent_at` is the run's time (`now_utc`). Nothing is sent or recorded when SMTP is not configured.
    Never raises for a mail problem: a server that cannot be reached or refuses a login fails every
    try of this run (it is not asked again for each member); a refused address fails that one.
    """
    smtp = settings.smtp
    rows: list[dict] = []

    def record(row: dict, error: str | None) -> None:
        rows.append(
            {
                "athlete_id": row["athlete_id"],
                "week_start": row["week_start"],
                "email": row["email"],
                "sent_at": now_utc,
                "status": "failed" if error else "sent",
                "error": error,
            }
        )

    members = list(due.iter_rows(named=True))
    if smtp is None or not members:  # reminders are off: nothing is sent, nothing recorded
        return _attempts(rows)
    try:
        server = _open(smtp)
    except (OSError, smtplib.SMTPException) as error:
        for row in members:
            record(row, f"could not reach the mail server: {_reason(error)}")
        return _attempts(rows)
    try:
        for row in members:
            try:
                server.send_message(reminder_message(row, settings, smtp))
            except (OSError, smtplib.SMTPException) as error:
                record(row, _reason(error))
            else:
                record(row, None)
    finally:
        try:
            server.quit()
        except (OSError, smtplib.SMTPException):
            server.close()
    return _attempts(rows)


def _attempts(rows: Iterable[dict]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=REMINDERS_SENT.schema)


def ensure_reminders_table(con: duckdb.DuckDBPyConnection) -> None:
    """Create `reminders_sent` empty when it is missing (before the first ingest run, say)."""
    if not table_exists(con, REMINDERS_SENT.name):
        append_rows(con, REMINDERS_SENT.name, REMINDERS_SENT.empty())


def record_attempts(con: duckdb.DuckDBPyConnection, attempts: pl.DataFrame) -> None:
    """Append the tries to `reminders_sent` in one batch."""
    with transaction(con):
        ensure_reminders_table(con)
        append_rows(con, REMINDERS_SENT.name, REMINDERS_SENT.conform(attempts))


def now() -> datetime:
    """The current time in UTC (the job's default when the schedule gives none)."""
    return datetime.now(UTC)
