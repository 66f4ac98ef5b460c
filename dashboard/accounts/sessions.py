"""Log-in under a lockout policy, and the session tokens of logged-in browsers (kept on disk, see
store.py)."""

from __future__ import annotations

import hashlib
import math
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dashboard.accounts.auth import check_password, find_account, normalise_username
from dashboard.accounts.store import OpenSession, SessionStore, Strikes
from dashboard.config import DashboardConfig, LockoutPolicy

WRONG_CREDENTIALS = "Wrong username or password."


@dataclass(frozen=True)
class Session:
    """Who an open, unexpired session token belongs to, as the accounts file says now."""

    username: str
    role: str
    athlete_id: str | None


@dataclass(frozen=True)
class LoginOutcome:
    """A log-in attempt's result: a fresh token, or a message for the log-in form."""

    token: str | None
    message: str = ""
    retry_after_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.token is not None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Authenticator:
    """Log-in, throttling and session tokens for one accounts file, shared by the app's sessions."""

    def __init__(
        self,
        accounts_file: Path,
        policy: LockoutPolicy,
        idle_seconds: float,
        max_seconds: float,
        clock: Callable[[], float] = time.time,
        store_file: Path | None = None,
    ) -> None:
        self.accounts_file = accounts_file
        self.policy = policy
        self.idle_seconds = idle_seconds
        self.max_seconds = max_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._store = SessionStore(store_file or accounts_file.with_name("sessions.sqlite"))

    def _wait_seconds(self, keys: list[str], now: float) -> float:
        wait = 0.0
        for key in keys:
            strikes = self._store.strikes(key)
            if strikes is None:
                continue
            if now - strikes.last_failure > self.policy.failure_window_seconds:
                self._store.forget_strikes(key)
                continue
            delay = min(
                self.policy.max_delay_seconds,
                self.policy.base_delay_seconds * 2 ** (strikes.failures - 1),
            )
            wait = max(wait, strikes.locked_until - now, strikes.last_failure + delay - now)
        return wait

    def _strike(self, key: str, limit: int, now: float) -> None:
        strikes = self._store.strikes(key) or Strikes()
        strikes.failures += 1
        strikes.last_failure = now
        if strikes.failures >= limit:
            strikes.locked_until = now + self.policy.lock_seconds
        self._store.save_strikes(key, strikes)

    def login(
        self, username: str, password: str, client: str, previous_token: str | None = None
    ) -> LoginOutcome:
        """Check a password under the lockout policy; success returns a brand-new session token."""
        if previous_token:
            self.logout(previous_token)
        name = normalise_username(username)
        known = find_account(self.accounts_file, name)
        # The epoch is part of the key so a password reset also lifts the account's lock.
        account_key = f"account:{name}:{known.epoch if known else 0}"
        client_key = f"client:{client}"
        with self._lock:
            wait = self._wait_seconds([account_key, client_key], self._clock())
        if wait > 0:
            return LoginOutcome(
                None,
                f"Too many failed log-in attempts. Try again in {_duration_text(wait)}, "
                "or ask the coach to reset your password.",
                wait,
            )
        account = check_password(self.accounts_file, name, password)
        now = self._clock()
        with self._lock:
            if account is None:
                self._strike(account_key, self.policy.max_account_failures, now)
                self._strike(client_key, self.policy.max_client_failures, now)
                return LoginOutcome(None, WRONG_CREDENTIALS)
            self._store.forget_strikes(account_key)
            token = secrets.token_urlsafe(32)  # a fresh id at every log-in
            self._store.open_session(
                _digest(token), OpenSession(account.username, account.epoch, now, now)
            )
        return LoginOutcome(token)

    def session(self, token: str | None) -> Session | None:
        """The session behind `token` if it is open, unexpired and its account unchanged; else None."""
        if not token:
            return None
        digest = _digest(token)
        now = self._clock()
        with self._lock:
            open_session = self._store.session(digest)
            if open_session is None:
                return None
            if (
                now - open_session.last_seen > self.idle_seconds
                or now - open_session.created > self.max_seconds
            ):
                self._store.close_session(digest)
                return None
        account = find_account(self.accounts_file, open_session.username)
        with self._lock:
            if account is None or account.epoch != open_session.epoch:
                self._store.close_session(digest)
                return None
            self._store.touch(digest, now)
        return Session(account.username, account.role, account.athlete_id)

    def logout(self, token: str | None) -> None:
        """End the session behind `token` (nothing happens for an unknown token)."""
        if token:
            with self._lock:
                self._store.close_session(_digest(token))


def _duration_text(seconds: float) -> str:
    if seconds < 90:
        return f"{math.ceil(seconds)} seconds"
    return f"{math.ceil(seconds / 60)} minutes"


_AUTHENTICATORS: dict[tuple, Authenticator] = {}
_REGISTRY_LOCK = threading.Lock()


def authenticator(config: DashboardConfig) -> Authenticator:
    """The process-wide authenticator for this club's accounts file (sessions in its store file)."""
    key = (
        config.accounts_file,
        config.lockout,
        config.session_idle_seconds,
        config.session_max_seconds,
    )
    with _REGISTRY_LOCK:
        if key not in _AUTHENTICATORS:
            _AUTHENTICATORS[key] = Authenticator(
                config.accounts_file,
                config.lockout,
                config.session_idle_seconds,
                config.session_max_seconds,
                store_file=config.layout.sessions,
            )
        return _AUTHENTICATORS[key]
