"""Local accounts: argon2id password hashes, coach or member roles, one athlete per member."""

from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from dashboard.atomic_files import write_atomically

ROLES = ("coach", "member")
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
# An athlete id names the member's inbox folder, so it may never hold a path separator or dot prefix.
ATHLETE_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")

# argon2-cffi's default is argon2id with the RFC 9106 low-memory profile.
_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash(secrets.token_hex(16))


class AccountError(ValueError):
    """An account operation that cannot be done, with what to do about it."""


@dataclass(frozen=True)
class Account:
    """One log-in: a coach sees every athlete, a member only their own `athlete_id`."""

    username: str
    role: str
    athlete_id: str | None
    epoch: int  # bumped at every password reset, which ends that account's open sessions


def normalise_username(username: str) -> str:
    """The stored form of a username: trimmed and lower-case."""
    return username.strip().lower()


def hash_password(password: str) -> str:
    """An argon2id hash of `password` (the only form a password is ever stored in)."""
    return _HASHER.hash(password)


def _read(path: Path) -> dict[str, dict]:
    if not path.exists():
        return {}
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return dict(document["accounts"])
    except (ValueError, KeyError, TypeError) as err:
        raise AccountError(
            f"The accounts file {path} is damaged ({err.__class__.__name__}). Restore it from a "
            "backup, or move it aside and create the accounts again with `strongstride users add`."
        ) from err


def _write(path: Path, accounts: dict[str, dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = json.dumps({"version": 1, "accounts": accounts}, indent=2, sort_keys=True)
    write_atomically(path, document.encode("utf-8"), ".accounts-", ".tmp")


@contextmanager
def _exclusive(path: Path) -> Iterator[dict[str, dict]]:
    """Read-modify-write the accounts file while holding a lock, so the CLI and the app never race."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        accounts = _read(path)
        yield accounts
        _write(path, accounts)
    finally:
        os.close(lock_fd)


def _account(username: str, record: dict) -> Account:
    return Account(username, record["role"], record.get("athlete_id"), int(record.get("epoch", 1)))


def _check_password_rules(password: str, min_length: int) -> None:
    if len(password) < min_length:
        raise AccountError(f"The password is too short: use at least {min_length} characters.")
    if password != password.strip():
        raise AccountError("The password starts or ends with a space: remove it.")


def _now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def add_account(
    path: Path,
    username: str,
    role: str,
    password: str,
    athlete_id: str | None = None,
    min_password_length: int = 10,
) -> Account:
    """Create an account; a member must be bound to exactly one athlete, a coach to none."""
    name = normalise_username(username)
    if not USERNAME_PATTERN.match(name):
        raise AccountError(
            f"'{username}' is not a usable username: use 1-64 lower-case letters, digits, '.', '_' "
            "or '-', starting with a letter or digit."
        )
    if role not in ROLES:
        raise AccountError(f"Unknown role '{role}': use coach or member.")
    if role == "member" and not (athlete_id and ATHLETE_ID_PATTERN.match(athlete_id)):
        raise AccountError(
            "A member account needs --athlete with the athlete_id from the roster (letters, "
            "digits, '_' or '-')."
        )
    if role == "coach" and athlete_id:
        raise AccountError("A coach account sees every athlete: leave out --athlete.")
    _check_password_rules(password, min_password_length)
    with _exclusive(path) as accounts:
        if name in accounts:
            raise AccountError(
                f"An account named '{name}' already exists: pick another name, or use "
                "`strongstride users reset-password`."
            )
        accounts[name] = {
            "role": role,
            "athlete_id": athlete_id if role == "member" else None,
            "password_hash": hash_password(password),
            "epoch": 1,
            "created_at": _now_text(),
            "updated_at": _now_text(),
        }
        return _account(name, accounts[name])


def remove_account(path: Path, username: str) -> None:
    """Delete an account; its open sessions end at their next page load."""
    name = normalise_username(username)
    with _exclusive(path) as accounts:
        if accounts.pop(name, None) is None:
            raise AccountError(
                f"There is no account named '{name}' (see `strongstride users list`)."
            )


def reset_password(
    path: Path, username: str, password: str, min_password_length: int = 10
) -> Account:
    """Give an account a new password, end its open sessions and lift any lock on it."""
    name = normalise_username(username)
    _check_password_rules(password, min_password_length)
    with _exclusive(path) as accounts:
        record = accounts.get(name)
        if record is None:
            raise AccountError(
                f"There is no account named '{name}' (see `strongstride users list`)."
            )
        record["password_hash"] = hash_password(password)
        record["epoch"] = int(record.get("epoch", 1)) + 1
        record["updated_at"] = _now_text()
        return _account(name, record)


def list_accounts(path: Path) -> list[Account]:
    """Every account, by username."""
    return [_account(name, record) for name, record in sorted(_read(path).items())]


def find_account(path: Path, username: str) -> Account | None:
    """The account with this username, or None."""
    name = normalise_username(username)
    record = _read(path).get(name)
    return None if record is None else _account(name, record)


def check_password(path: Path, username: str, password: str) -> Account | None:
    """The account when the password matches, else None (unknown names take as long as wrong passwords)."""
    name = normalise_username(username)
    record = _read(path).get(name)
    try:
        _HASHER.verify(record["password_hash"] if record else _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if record is None:
        return None
    if _HASHER.check_needs_rehash(record["password_hash"]):
        with _exclusive(path) as accounts:
            if name in accounts:
                accounts[name]["password_hash"] = hash_password(password)
    return _account(name, record)
