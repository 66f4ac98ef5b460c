"""`strongstride users` through click's CliRunner, against a real accounts file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli.users import users_app

runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STRONGSTRIDE_HOME", str(tmp_path))
    return tmp_path


def stored(home: Path) -> dict:
    return json.loads((home / "accounts.json").read_text())["accounts"]


def test_add_list_reset_remove(home: Path) -> None:
    result = runner.invoke(
        users_app,
        ["add", "Coach", "--role", "coach", "--password-stdin"],
        input="coach secret 123\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created coach account 'coach'" in result.output
    result = runner.invoke(
        users_app,
        ["add", "alex", "--role", "member", "--athlete", "a001", "--password-stdin"],
        input="member secret 123\n",
    )
    assert result.exit_code == 0, result.output
    accounts = stored(home)
    assert accounts["alex"]["athlete_id"] == "a001"
    assert accounts["coach"]["password_hash"].startswith("$argon2id$")
    assert "secret 123" not in (home / "accounts.json").read_text()

    listing = runner.invoke(users_app, ["list"])
    assert listing.exit_code == 0
    assert [line.split() for line in listing.output.splitlines()[1:]] == [
        ["alex", "member", "a001"],
        ["coach", "coach", "-"],
    ]

    old_hash = accounts["alex"]["password_hash"]
    result = runner.invoke(
        users_app, ["reset-password", "alex", "--password-stdin"], input="a new secret 456\n"
    )
    assert result.exit_code == 0, result.output
    assert stored(home)["alex"]["password_hash"] != old_hash
    assert stored(home)["alex"]["epoch"] == 2

    result = runner.invoke(users_app, ["remove", "alex"])
    assert result.exit_code == 0
    assert set(stored(home)) == {"coach"}


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["add", "bob", "--role", "member", "--password-stdin"],
            "long enough secret\n",
            "needs --athlete",
        ),
        (
            ["add", "bob", "--role", "coach", "--password-stdin"],
            "short\n",
            "at least 10 characters",
        ),
        (["remove", "nobody"], None, "no account named 'nobody'"),
        (
            ["reset-password", "nobody", "--password-stdin"],
            "long enough secret\n",
            "no account named",
        ),
    ],
)
def test_errors_exit_1_with_a_reason(
    home: Path, args: list[str], stdin: str | None, message: str
) -> None:
    result = runner.invoke(users_app, args, input=stdin)
    assert result.exit_code == 1
    assert message in result.output
    assert not (home / "accounts.json").exists() or "bob" not in stored(home)


def test_bad_role_is_refused_by_the_option(home: Path) -> None:
    result = runner.invoke(
        users_app, ["add", "bob", "--role", "admin", "--password-stdin"], input="x\n"
    )
    assert result.exit_code == 2
    assert not (home / "accounts.json").exists()


def test_list_with_no_accounts_says_how_to_start(home: Path) -> None:
    result = runner.invoke(users_app, ["list"])
    assert result.exit_code == 0
    assert "strongstride users add" in result.output
