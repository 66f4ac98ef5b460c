"""Attacks on data and accounts: injection strings stay text, credentials never leave accounts.json.

Log-in throttling (per account and per client) and token rotation at log-in are tested in
tests/dashboard/test_sessions.py; these tests add what no other test checks.
"""

from __future__ import annotations

import inspect
import json
import logging
import types
import uuid
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from dashboard import data
from dashboard.accounts import auth
from dashboard.accounts.sessions import Authenticator
from dashboard.accounts.viewer import Viewer
from dashboard.config import LockoutPolicy
from dashboard.data import serving as serving_module
from pipelines.cli.users import users_app
from tests.robustness.club import (
    ACCOUNTS,
    INJECTED_FILE_NAME,
    INJECTED_RUN_NAME,
    INJECTION,
    CleanRun,
    rows,
)

SECRET_NAMES = ("password", "passwd", "token", "secret", "credential")


def _secrets(accounts_file: Path, passwords: list[str]) -> list[str]:
    stored = json.loads(accounts_file.read_text())["accounts"]
    hashes = [record["password_hash"] for record in stored.values()]
    assert all(h.startswith("$argon2id$") for h in hashes)
    return passwords + hashes + [h.rsplit("$", 1)[1] for h in hashes]  # the digest on its own too


def test_injection_strings_in_members_files_are_stored_as_plain_text(clean_run: CleanRun) -> None:
    warehouse = clean_run.home / "warehouse.duckdb"
    assert rows(warehouse, "select display_name from athletes where athlete_id = 'r002'") == [
        (INJECTION,)
    ]
    assert rows(warehouse, "select count(*) from activities where name = ?", [INJECTED_RUN_NAME])[
        0
    ][0]
    assert rows(
        warehouse, "select status from files where original_name = ?", [INJECTED_FILE_NAME]
    ) == [("ingested",)]
    logged = rows(
        warehouse, "select exercise_logged from strength_sets where notes = ?", [INJECTION]
    )
    assert logged == [("Hip Thrust'; DROP TABLE strength_sets; --",)]
    published = rows(clean_run.home / "serving.duckdb", "select display_name from mart_athletes")
    assert (INJECTION,) in published


def test_no_credentials_in_any_file_the_pipeline_writes(clean_run: CleanRun) -> None:
    home = clean_run.home
    secrets = _secrets(home / "accounts.json", [password for _, _, password in ACCOUNTS.values()])
    for database in ("warehouse.duckdb", "serving.duckdb"):
        with duckdb.connect(str(home / database), read_only=True) as con:
            columns = con.sql(
                "select table_name, column_name from information_schema.columns "
                "where table_schema = 'main'"
            ).fetchall()
            assert not [c for c in columns if any(word in c[1].lower() for word in SECRET_NAMES)]
            for table in sorted({table for table, _ in columns}):
                for secret in [*secrets, "$argon2"]:
                    found = con.sql(
                        f'select count(*) from "{table}" as t where contains(t::varchar, ?)',  # noqa: S608
                        params=[secret],
                    ).fetchall()[0][0]
                    assert found == 0, f"{database}:{table} holds a credential"
    # everything else in the home: the raw archive, Dagster's run and compute logs
    others = [p for p in home.rglob("*") if p.is_file() and not p.name.startswith("accounts.json")]
    assert any(".dagster" in p.parts for p in others)
    for path in others:
        content = path.read_bytes()
        assert not [s for s in secrets if s.encode() in content], path


def test_no_password_or_hash_in_logs_or_command_output(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("STRONGSTRIDE_HOME", str(tmp_path))
    accounts = tmp_path / "accounts.json"
    runner = CliRunner()
    coach, member, renewed = "coach secret 2026!", "member secret 2026!", "renewed secret 2026!"
    said = [
        runner.invoke(users_app, args, input=f"{password}\n").output
        for args, password in [
            (["add", "coach.morgan", "--role", "coach", "--password-stdin"], coach),
            (
                ["add", "runner", "--role", "member", "--athlete", "r001", "--password-stdin"],
                member,
            ),
            (
                ["add", "runner", "--role", "member", "--athlete", "r001", "--password-stdin"],
                member,
            ),
            (["add", "short", "--role", "coach", "--password-stdin"], "tiny"),
            (["reset-password", "runner", "--password-stdin"], renewed),
            (["list"], ""),
        ]
    ]
    gate = Authenticator(accounts, LockoutPolicy(max_account_failures=2), 3600, 3600)
    outcomes = [
        gate.login("runner", renewed, "10.0.0.1"),
        gate.login("runner", member, "10.0.0.1"),  # the old password
        gate.login("coach.morgan", coach + "x", "10.0.0.2"),
        gate.login("coach.morgan", coach + "y", "10.0.0.2"),
        gate.login("coach.morgan", coach, "10.0.0.2"),  # locked by now
    ]
    said += [outcome.message for outcome in outcomes]
    assert [o.ok for o in outcomes] == [True, False, False, False, False]
    secrets = _secrets(accounts, [coach, member, renewed, "tiny"])
    accounts.write_text(accounts.read_text()[:-40])  # a damaged file's error must not quote it
    with pytest.raises(auth.AccountError) as damaged:
        auth.list_accounts(accounts)
    said.append(str(damaged.value))
    out, err = capfd.readouterr()
    shown = "\n".join([*said, caplog.text, out, err])
    assert "Created coach account 'coach.morgan'" in shown and "too short" in shown
    assert [secret for secret in secrets if secret in shown] == []


class _RecordingConnection:
    """A real DuckDB connection that notes every statement and its parameters."""

    def __init__(self, con: duckdb.DuckDBPyConnection, seen: list) -> None:
        self.con, self.seen = con, seen

    def sql(self, query: str, params: object = None) -> duckdb.DuckDBPyRelation:
        self.seen.append((query, params))
        return self.con.sql(query, params=params)

    def cursor(self) -> _RecordingConnection:
        return _RecordingConnection(self.con.cursor(), self.seen)

    def close(self) -> None:
        self.con.close()


def _text_parameters(function: object) -> list[str]:
    signature = inspect.signature(function)
    return [name for name, p in signature.parameters.items() if "str" in str(p.annotation)]


def test_typed_text_reaches_the_database_only_as_bound_parameters(
    clean_run: CleanRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRONGSTRIDE_HOME", str(clean_run.home))
    seen: list[tuple[str, object]] = []
    shim = types.SimpleNamespace(
        connect=lambda *args, **kwargs: _RecordingConnection(duckdb.connect(*args, **kwargs), seen),
        Error=duckdb.Error,
    )
    monkeypatch.setattr(serving_module, "duckdb", shim)
    # the dashboard keeps one connection per serving version: start without one, so it is the shim's
    monkeypatch.setattr(serving_module, "_VERSIONS", serving_module._OpenVersion())
    coach = Viewer("coach.morgan", "coach", None)
    called = []
    for name in data.__all__:
        function = getattr(data, name)
        texts = _text_parameters(function) if inspect.isfunction(function) else []
        if not texts:
            continue
        # unique per call, so no cached result hides the query
        typed = f"{INJECTION} {uuid.uuid4().hex}"
        seen.clear()
        function(coach, **dict.fromkeys(texts, typed))
        called.append(name)
        assert seen, f"{name} sent nothing to the database"
        assert not [query for query, _ in seen if typed in query], name
        assert [params for _, params in seen if typed in json.dumps(params, default=str)], name
    assert {"athletes", "athlete_runs", "received_files", "file_problems"} <= set(called)
