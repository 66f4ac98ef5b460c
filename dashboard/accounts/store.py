"""Sessions and failed log-in counters on disk (SQLite from the standard library), so a dashboard
restart neither logs everyone out nor resets a lockout. Only token digests are stored."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    digest TEXT PRIMARY KEY, username TEXT NOT NULL, epoch INTEGER NOT NULL,
    created REAL NOT NULL, last_seen REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS strikes (
    key TEXT PRIMARY KEY, failures INTEGER NOT NULL, last_failure REAL NOT NULL,
    locked_until REAL NOT NULL
);
"""


@dataclass
class Strikes:
    """Failed log-ins counted against one account or one client."""

    failures: int = 0
    last_failure: float = 0.0
    locked_until: float = 0.0


@dataclass
class OpenSession:
    """A logged-in browser: whose, under which password epoch, since when, last seen when."""

    username: str
    epoch: int
    created: float
    last_seen: float


class SessionStore:
    """The sessions and strikes tables of one SQLite file (created owner-only on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        with self._connection() as con:
            con.executescript(SCHEMA)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=10)
        try:
            with con:  # one transaction: committed on success, rolled back on error
                yield con
        finally:
            con.close()

    def strikes(self, key: str) -> Strikes | None:
        with self._connection() as con:
            row = con.execute(
                "SELECT failures, last_failure, locked_until FROM strikes WHERE key = ?", (key,)
            ).fetchone()
        return None if row is None else Strikes(*row)

    def save_strikes(self, key: str, strikes: Strikes) -> None:
        with self._connection() as con:
            con.execute(
                "INSERT OR REPLACE INTO strikes VALUES (?, ?, ?, ?)",
                (key, strikes.failures, strikes.last_failure, strikes.locked_until),
            )

    def forget_strikes(self, key: str) -> None:
        with self._connection() as con:
            con.execute("DELETE FROM strikes WHERE key = ?", (key,))

    def open_session(self, digest: str, session: OpenSession) -> None:
        with self._connection() as con:
            con.execute(
                "INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                (digest, session.username, session.epoch, session.created, session.last_seen),
            )

    def session(self, digest: str) -> OpenSession | None:
        with self._connection() as con:
            row = con.execute(
                "SELECT username, epoch, created, last_seen FROM sessions WHERE digest = ?",
                (digest,),
            ).fetchone()
        return None if row is None else OpenSession(*row)

    def touch(self, digest: str, now: float) -> None:
        with self._connection() as con:
            con.execute("UPDATE sessions SET last_seen = ? WHERE digest = ?", (now, digest))

    def close_session(self, digest: str) -> None:
        with self._connection() as con:
            con.execute("DELETE FROM sessions WHERE digest = ?", (digest,))

    def close_sessions_of(self, username: str) -> None:
        """End every session of one account (a password reset or a removed account)."""
        with self._connection() as con:
            con.execute("DELETE FROM sessions WHERE username = ?", (username,))
