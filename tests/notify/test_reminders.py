"""Check-in reminders against a real SMTP server (aiosmtpd on 127.0.0.1) and a warehouse built by the
real pipeline: who gets a mail, what it says, that it goes once, and what is recorded."""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Iterator
from datetime import UTC, date, datetime
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from pipelines.defs import build_definitions
from pipelines.notify.reminders import SUBJECT, due_reminders, record_attempts, send_reminders
from pipelines.settings import Settings, load_settings
from tests.conftest import run_ingest

pytestmark = [
    pytest.mark.slow,  # one whole pipeline run builds the warehouse
    # the test server takes a login over a plain connection (127.0.0.1 only)
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS"),
]

# Monday 23 March 2026, 18:00 UTC (18:00 in London, still GMT): the check-in due is the week of
# Monday 16 March (it opened on Sunday 22 March; on time until Wednesday 25 March).
NOW = datetime(2026, 3, 23, 18, 0, tzinfo=UTC)
DUE_WEEK = date(2026, 3, 16)
ROSTER = """athlete_id,display_name,time_zone,email
a001,Ann Answered,Europe/London,ann@example.org
a002,Bo Missing,Europe/London,bo@example.org
a003,Cy Nomail,Europe/London,
a004,Di Auckland,Pacific/Auckland,di@example.org
"""
# a001 answered the due week; a002 and a004 only the week before; a003 never (no email either).
OSTRC = """athlete_id,week_start,instrument_version,q1,q2,q3,q4
a001,2026-03-16,2.0,0,,,
a001,2026-03-09,2.0,0,,,
a002,2026-03-09,2.0,0,,,
a004,2026-03-09,2.0,0,,,
"""
USER, PASSWORD = "club-mailer", "s3cret-pw"


class Inbox:
    """The messages the test SMTP server accepted, with their envelope recipients."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # the aiosmtpd hook name
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Message]:
        return [message for rcpt, message in self.messages if address in rcpt]


def _authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_server(inbox: Inbox, port: int) -> Controller:
    """A real SMTP server on 127.0.0.1 that asks for a login (plain connection: test only)."""
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticate,
        auth_required=True,
        auth_require_tls=False,
    )
    controller.start()
    return controller


@pytest.fixture
def smtp_server() -> Iterator[tuple[Controller, Inbox]]:
    inbox = Inbox()
    controller = _start_server(inbox, _free_port())
    try:
        yield controller, inbox
    finally:
        if controller._thread is not None:  # a test may have stopped it
            controller.stop()


@pytest.fixture(scope="module")
def built_club(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A four-member club ingested once by the real pipeline (copied by each test)."""
    home = tmp_path_factory.mktemp("reminder_club")
    (home / "club").mkdir()
    (home / "club" / "roster.csv").write_text(ROSTER)
    (home / "club" / "ostrc.csv").write_text(OSTRC)
    outcome = run_ingest(load_settings(home))
    assert outcome.success, outcome.blocked_reason
    return home


@pytest.fixture
def club(built_club: Path, tmp_path: Path) -> Path:
    home = tmp_path / "club_home"
    shutil.copytree(built_club, home)
    return home


def _mail_env(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    monkeypatch.setenv("STRONGSTRIDE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("STRONGSTRIDE_SMTP_PORT", str(port))
    monkeypatch.setenv("STRONGSTRIDE_SMTP_SECURITY", "none")
    monkeypatch.setenv("STRONGSTRIDE_SMTP_USER", USER)
    monkeypatch.setenv("STRONGSTRIDE_SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("STRONGSTRIDE_SMTP_FROM", "coach@harriers.example.org")
    monkeypatch.setenv("STRONGSTRIDE_APP_URL", "https://club.example.org/")


def _remind(settings: Settings, now: datetime = NOW) -> list[tuple]:
    """One reminder round as the job does it; the attempts recorded, as plain tuples."""
    with duckdb.connect(str(settings.warehouse)) as con:
        due = due_reminders(con, settings, now)
    attempts = send_reminders(due, settings, now)
    if not attempts.is_empty():
        with duckdb.connect(str(settings.warehouse)) as con:
            record_attempts(con, attempts)
    return attempts.select("athlete_id", "week_start", "email", "status").rows()


def _recorded(settings: Settings) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.sql(
            "select athlete_id, week_start, email, sent_at, status, error from reminders_sent "
            "order by athlete_id, status"
        ).fetchall()


def test_only_members_with_an_email_and_no_answer_get_one_mail(
    club: Path, smtp_server: tuple[Controller, Inbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    controller, inbox = smtp_server
    _mail_env(monkeypatch, controller.port)
    settings = load_settings(club)

    assert _remind(settings) == [
        ("a002", DUE_WEEK, "bo@example.org", "sent"),
        # Auckland: Tuesday 24 March 07:00 there, the same check-in week
        ("a004", DUE_WEEK, "di@example.org", "sent"),
    ]
    assert [rcpt for rcpt, _ in inbox.messages] == [["bo@example.org"], ["di@example.org"]]
    assert inbox.to("ann@example.org") == []  # answered the week
    mail = inbox.to("bo@example.org")[0]
    assert mail["Subject"] == SUBJECT
    assert mail["From"] == "coach@harriers.example.org"
    body = mail.get_payload(decode=True).decode()
    assert body.startswith("Hello Bo Missing,")
    assert "Monday 16 March 2026 to Sunday 22 March 2026" in body
    assert "Please answer by Wednesday 25 March 2026." in body
    assert "https://club.example.org/checkin" in body
    assert _recorded(settings) == [
        ("a002", DUE_WEEK, "bo@example.org", NOW, "sent", None),
        ("a004", DUE_WEEK, "di@example.org", NOW, "sent", None),
    ]

    # The next run in the same week (Tuesday evening) sends nothing more.
    assert _remind(settings, datetime(2026, 3, 24, 18, 0, tzinfo=UTC)) == []
    assert len(inbox.messages) == 2
    assert len(_recorded(settings)) == 2


def test_each_member_is_asked_about_their_own_time_zones_week(
    club: Path, smtp_server: tuple[Controller, Inbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    controller, inbox = smtp_server
    _mail_env(monkeypatch, controller.port)
    # Saturday 21 March 14:00 UTC: still Saturday in London (the week of 9 March is due, answered by
    # all but Cy), already Sunday 22 March 03:00 in Auckland (the week of 16 March has opened).
    assert _remind(load_settings(club), datetime(2026, 3, 21, 14, 0, tzinfo=UTC)) == [
        ("a004", DUE_WEEK, "di@example.org", "sent")
    ]
    body = inbox.to("di@example.org")[0].get_payload(decode=True).decode()
    assert "Monday 16 March 2026 to Sunday 22 March 2026" in body


def test_a_checkin_waiting_in_the_inbox_counts_as_answered(
    club: Path, smtp_server: tuple[Controller, Inbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    controller, inbox = smtp_server
    _mail_env(monkeypatch, controller.port)
    settings = load_settings(club)
    forms = settings.member_forms("a002")
    forms.mkdir(parents=True)
    (forms / "entry.json").write_text(
        json.dumps({"form": "ostrc_checkin", "week_start": "2026-03-16", "answers": {}})
    )
    assert [row[0] for row in _remind(settings)] == ["a004"]
    assert inbox.to("bo@example.org") == []


def test_a_failing_server_is_recorded_and_tried_again_next_time(
    club: Path, smtp_server: tuple[Controller, Inbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    controller, inbox = smtp_server
    _mail_env(monkeypatch, controller.port)
    settings = load_settings(club)
    controller.stop()  # nothing listens on the port any more

    assert _remind(settings) == [
        ("a002", DUE_WEEK, "bo@example.org", "failed"),
        ("a004", DUE_WEEK, "di@example.org", "failed"),
    ]
    recorded = _recorded(settings)
    assert [row[4] for row in recorded] == ["failed", "failed"]
    assert all(row[5].startswith("could not reach the mail server") for row in recorded)
    assert PASSWORD not in repr(recorded) and PASSWORD not in repr(settings)

    restarted = _start_server(inbox, controller.port)  # back up: only 'sent' rows block
    try:
        assert [row[3] for row in _remind(settings)] == ["sent", "sent"]
    finally:
        restarted.stop()
    assert len(inbox.messages) == 2


def test_a_wrong_password_fails_every_try_without_raising(
    club: Path, smtp_server: tuple[Controller, Inbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    controller, inbox = smtp_server
    _mail_env(monkeypatch, controller.port)
    monkeypatch.setenv("STRONGSTRIDE_SMTP_PASSWORD", "wrong")
    assert [row[3] for row in _remind(load_settings(club))] == ["failed", "failed"]
    assert inbox.messages == []


def test_without_smtp_nothing_is_sent_or_recorded(
    club: Path, smtp_server: tuple[Controller, Inbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, inbox = smtp_server
    monkeypatch.delenv("STRONGSTRIDE_SMTP_HOST", raising=False)
    settings = load_settings(club)
    assert settings.smtp is None
    assert _remind(settings) == []
    assert inbox.messages == []


def _job_run(club: Path, now: datetime) -> dg.ExecuteInProcessResult:
    job = build_definitions(load_settings(club)).resolve_job_def("checkin_reminders")
    config = {"ops": {"send_checkin_reminders": {"config": {"now_utc": now.isoformat()}}}}
    with dg.DagsterInstance.ephemeral() as instance:
        return job.execute_in_process(run_config=config, instance=instance)


def test_the_dagster_job_sends_once_and_says_when_smtp_is_off(
    club: Path, smtp_server: tuple[Controller, Inbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    controller, inbox = smtp_server
    monkeypatch.delenv("STRONGSTRIDE_SMTP_HOST", raising=False)
    off = _job_run(club, NOW)
    assert off.success
    output = next(e for e in off.all_events if e.event_type == dg.DagsterEventType.STEP_OUTPUT)
    note = output.event_specific_data.metadata["note"].value
    assert note.startswith("SMTP not configured: no reminders sent")
    assert inbox.messages == []

    _mail_env(monkeypatch, controller.port)
    first = _job_run(club, NOW)
    assert first.success
    output = next(e for e in first.all_events if e.event_type == dg.DagsterEventType.STEP_OUTPUT)
    assert output.event_specific_data.metadata["sent"].value == 2
    assert sorted(rcpt[0] for rcpt, _ in inbox.messages) == ["bo@example.org", "di@example.org"]
    assert _job_run(club, NOW).success
    assert len(inbox.messages) == 2  # the same week again: nothing more
