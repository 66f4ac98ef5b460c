"""Log-in throttling (exponential delay, lock per account and per client) and session tokens."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.accounts import auth
from dashboard.accounts.sessions import WRONG_CREDENTIALS, Authenticator
from dashboard.config import LockoutPolicy

PASSWORD = "a long enough secret"
POLICY = LockoutPolicy(
    max_account_failures=3,
    max_client_failures=5,
    lock_seconds=900,
    base_delay_seconds=1,
    max_delay_seconds=60,
    failure_window_seconds=3600,
)


class Clock:
    """A hand-driven clock."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def gate(tmp_path: Path, clock: Clock) -> Authenticator:
    path = tmp_path / "accounts.json"
    auth.add_account(path, "coach", "coach", PASSWORD)
    auth.add_account(path, "alex", "member", PASSWORD, athlete_id="a001")
    return Authenticator(path, POLICY, idle_seconds=8 * 3600, max_seconds=24 * 3600, clock=clock)


def test_login_gives_a_session_for_that_account(gate: Authenticator) -> None:
    outcome = gate.login("Alex", PASSWORD, "10.0.0.1")
    assert outcome.ok
    session = gate.session(outcome.token)
    assert (session.username, session.role, session.athlete_id) == ("alex", "member", "a001")


def test_wrong_password_and_unknown_user_look_the_same(gate: Authenticator, clock: Clock) -> None:
    wrong = gate.login("alex", "not it at all", "10.0.0.1")
    clock.now += 10
    unknown = gate.login("nobody", PASSWORD, "10.0.0.2")
    assert (wrong.ok, wrong.message) == (False, WRONG_CREDENTIALS)
    assert (unknown.ok, unknown.message) == (False, WRONG_CREDENTIALS)


def test_delay_doubles_after_each_failure(gate: Authenticator, clock: Clock) -> None:
    assert not gate.login("alex", "wrong password 1", "c1").ok
    blocked = gate.login("alex", PASSWORD, "c1")
    assert not blocked.ok and blocked.retry_after_seconds == pytest.approx(1)
    clock.now += 1
    assert not gate.login("alex", "wrong password 2", "c1").ok
    blocked = gate.login("alex", PASSWORD, "c1")
    assert blocked.retry_after_seconds == pytest.approx(2)
    assert "Too many failed log-in attempts" in blocked.message
    clock.now += 2
    assert gate.login("alex", PASSWORD, "c1").ok


def test_account_locks_after_n_failures_from_any_client(gate: Authenticator, clock: Clock) -> None:
    for attempt in range(POLICY.max_account_failures):
        assert not gate.login("alex", f"wrong {attempt} password", f"client-{attempt}").ok
        clock.now += 60
    locked = gate.login("alex", PASSWORD, "fresh-client")
    assert not locked.ok
    assert locked.retry_after_seconds == pytest.approx(900 - 60)
    assert "14 minutes" in locked.message
    assert gate.login("coach", PASSWORD, "fresh-client").ok
    clock.now += 900
    assert gate.login("alex", PASSWORD, "fresh-client").ok


def test_client_locks_after_n_failures_across_accounts(gate: Authenticator, clock: Clock) -> None:
    for attempt in range(POLICY.max_client_failures):
        assert not gate.login(f"guess{attempt}", "wrong password", "attacker").ok
        clock.now += 61
    assert not gate.login("coach", PASSWORD, "attacker").ok
    assert gate.login("coach", PASSWORD, "someone-else").ok


def test_password_reset_lifts_the_account_lock(gate: Authenticator, clock: Clock) -> None:
    for attempt in range(POLICY.max_account_failures):
        gate.login("alex", f"wrong {attempt} password", f"c{attempt}")
        clock.now += 60
    assert not gate.login("alex", PASSWORD, "c9").ok
    auth.reset_password(gate.accounts_file, "alex", "brand new password")
    assert gate.login("alex", "brand new password", "c9").ok


def test_token_rotates_at_every_login(gate: Authenticator) -> None:
    first = gate.login("coach", PASSWORD, "c").token
    second = gate.login("coach", PASSWORD, "c", previous_token=first).token
    assert first != second
    assert gate.session(first) is None
    assert gate.session(second) is not None


def test_idle_and_absolute_expiry(gate: Authenticator, clock: Clock) -> None:
    token = gate.login("coach", PASSWORD, "c").token
    for _ in range(2):
        clock.now += 8 * 3600 - 1
        assert gate.session(token) is not None  # each use restarts the idle clock
    clock.now += 8 * 3600 + 1
    assert gate.session(token) is None
    token = gate.login("coach", PASSWORD, "c").token
    for _ in range(4):
        clock.now += 6 * 3600
        gate.session(token)
    clock.now += 1
    assert gate.session(token) is None  # 24 h after log-in, however active


def test_logout_reset_and_removal_end_sessions(gate: Authenticator) -> None:
    token = gate.login("coach", PASSWORD, "c").token
    gate.logout(token)
    assert gate.session(token) is None
    token = gate.login("alex", PASSWORD, "c").token
    auth.reset_password(gate.accounts_file, "alex", "brand new password")
    assert gate.session(token) is None
    token = gate.login("alex", "brand new password", "c").token
    auth.remove_account(gate.accounts_file, "alex")
    assert gate.session(token) is None
    assert gate.session(None) is None
    assert gate.session("made-up-token") is None


def test_sessions_and_lockouts_survive_a_restart(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "accounts.json"
    auth.add_account(path, "alex", "member", PASSWORD, athlete_id="a001")

    def start() -> Authenticator:  # a fresh process: nothing in memory, the same files
        return Authenticator(path, POLICY, idle_seconds=3600, max_seconds=7200, clock=clock)

    token = start().login("alex", PASSWORD, "10.0.0.1").token
    for _ in range(POLICY.max_account_failures):
        start().login("alex", "wrong guess", "10.0.0.2")
        clock.now += 61  # past each exponential delay, so every guess is counted
    restarted = start()
    assert restarted.session(token).athlete_id == "a001"
    locked = restarted.login("alex", PASSWORD, "10.0.0.3")
    assert not locked.ok and "Too many failed log-in attempts" in locked.message
    assert (tmp_path / "sessions.sqlite").stat().st_mode & 0o777 == 0o600
    assert token not in (tmp_path / "sessions.sqlite").read_bytes().decode("latin-1")


def test_a_password_reset_ends_the_accounts_sessions(gate: Authenticator) -> None:
    token = gate.login("alex", PASSWORD, "10.0.0.1").token
    auth.reset_password(gate.accounts_file, "alex", "another long secret")
    assert gate.session(token) is None
