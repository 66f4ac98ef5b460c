"""Accounts file: argon2id hashes only, 0600 permissions, roles and readable refusals."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from dashboard.accounts import auth

PASSWORD = "a long enough secret"


@pytest.fixture
def accounts(tmp_path: Path) -> Path:
    path = tmp_path / "accounts.json"
    auth.add_account(path, "Coach", "coach", PASSWORD)
    auth.add_account(path, "alex", "member", PASSWORD + "!", athlete_id="a001")
    return path


def test_hashes_are_argon2id_and_no_password_is_stored(accounts: Path) -> None:
    text = accounts.read_text()
    stored = json.loads(text)["accounts"]
    assert set(stored) == {"coach", "alex"}
    assert all(r["password_hash"].startswith("$argon2id$") for r in stored.values())
    assert PASSWORD not in text
    assert stat.S_IMODE(accounts.stat().st_mode) == 0o600
    assert not list(accounts.parent.glob(".accounts-*.tmp"))


def test_right_password_passes_wrong_fails(accounts: Path) -> None:
    assert auth.check_password(accounts, "coach", PASSWORD) == auth.Account(
        "coach", "coach", None, 1
    )
    assert auth.check_password(accounts, "  COACH ", PASSWORD) is not None
    assert auth.check_password(accounts, "coach", PASSWORD + "x") is None
    assert auth.check_password(accounts, "nobody", PASSWORD) is None
    assert auth.check_password(accounts, "alex", PASSWORD + "!").athlete_id == "a001"


def test_reset_password_replaces_hash_and_bumps_epoch(accounts: Path) -> None:
    before = json.loads(accounts.read_text())["accounts"]["alex"]["password_hash"]
    account = auth.reset_password(accounts, "alex", "another long secret")
    assert account.epoch == 2
    assert json.loads(accounts.read_text())["accounts"]["alex"]["password_hash"] != before
    assert auth.check_password(accounts, "alex", PASSWORD + "!") is None
    assert auth.check_password(accounts, "alex", "another long secret") is not None


def test_remove_and_list(accounts: Path) -> None:
    assert [a.username for a in auth.list_accounts(accounts)] == ["alex", "coach"]
    auth.remove_account(accounts, "alex")
    assert [a.username for a in auth.list_accounts(accounts)] == ["coach"]
    with pytest.raises(auth.AccountError, match="no account named 'alex'"):
        auth.remove_account(accounts, "alex")


@pytest.mark.parametrize(
    ("username", "role", "athlete", "password", "message"),
    [
        ("bob", "member", None, PASSWORD, "needs --athlete"),
        ("bob", "member", "../a001", PASSWORD, "needs --athlete"),
        ("bob", "member", ".hidden", PASSWORD, "needs --athlete"),
        ("bob", "coach", "a001", PASSWORD, "leave out --athlete"),
        ("bob", "admin", None, PASSWORD, "Unknown role 'admin'"),
        ("bob smith", "coach", None, PASSWORD, "not a usable username"),
        ("coach", "coach", None, PASSWORD, "already exists"),
        ("bob", "coach", None, "short", "at least 10 characters"),
        ("bob", "coach", None, " padded password ", "space"),
    ],
)
def test_refusals_say_what_to_do(
    accounts: Path, username: str, role: str, athlete: str | None, password: str, message: str
) -> None:
    with pytest.raises(auth.AccountError, match=message):
        auth.add_account(accounts, username, role, password, athlete_id=athlete)


def test_damaged_file_is_a_readable_error(tmp_path: Path) -> None:
    path = tmp_path / "accounts.json"
    path.write_text("{not json")
    with pytest.raises(auth.AccountError, match="damaged.*strongstride users add"):
        auth.list_accounts(path)


def test_missing_file_means_no_accounts(tmp_path: Path) -> None:
    assert auth.list_accounts(tmp_path / "accounts.json") == []
    assert auth.check_password(tmp_path / "accounts.json", "coach", PASSWORD) is None
