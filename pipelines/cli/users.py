"""`strongstride users`: create, remove, reset and list dashboard accounts (the operator's CLI)."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from dashboard.accounts import auth
from dashboard.config import load_config

users_app = typer.Typer(
    help="Manage dashboard accounts (stored as argon2id hashes).", no_args_is_help=True
)


class Role(StrEnum):
    """Who an account sees."""

    coach = "coach"
    member = "member"


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        # Only the first line, so `echo pw | ...` and here-strings both work.
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


def _fail(err: Exception) -> None:
    typer.echo(f"Error: {err}", err=True)
    raise typer.Exit(code=1)


@users_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Log-in name (lower-case letters, digits, . _ -).")],
    role: Annotated[Role, typer.Option(help="coach sees every athlete; member only their own.")],
    athlete: Annotated[
        str | None, typer.Option(help="The member's athlete_id from club/roster.csv.")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create an account."""
    config = load_config()
    try:
        account = auth.add_account(
            config.accounts_file,
            name,
            role.value,
            _read_password(password_stdin),
            athlete,
            config.min_password_length,
        )
    except auth.AccountError as err:
        _fail(err)
        return
    bound = f" for athlete {account.athlete_id}" if account.athlete_id else ""
    typer.echo(f"Created {account.role} account '{account.username}'{bound}.")


@users_app.command("remove")
def remove(name: Annotated[str, typer.Argument(help="The account to delete.")]) -> None:
    """Delete an account (its open sessions end at their next page load)."""
    try:
        auth.remove_account(load_config().accounts_file, name)
    except auth.AccountError as err:
        _fail(err)
        return
    typer.echo(f"Removed account '{auth.normalise_username(name)}'.")


@users_app.command("reset-password")
def reset_password(
    name: Annotated[str, typer.Argument(help="The account whose password to replace.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the new password from standard input.")
    ] = False,
) -> None:
    """Set a new password; this also ends the account's sessions and lifts a lock-out."""
    config = load_config()
    try:
        account = auth.reset_password(
            config.accounts_file, name, _read_password(password_stdin), config.min_password_length
        )
    except auth.AccountError as err:
        _fail(err)
        return
    typer.echo(f"New password set for '{account.username}'; their open sessions have ended.")


@users_app.command("list")
def list_users() -> None:
    """Show every account with its role and athlete."""
    try:
        accounts = auth.list_accounts(load_config().accounts_file)
    except auth.AccountError as err:
        _fail(err)
        return
    if not accounts:
        typer.echo(
            "No accounts yet: create one with `strongstride users add NAME --role coach --password-stdin`."
        )
        return
    typer.echo(f"{'username':<24} {'role':<8} athlete")
    for account in accounts:
        typer.echo(f"{account.username:<24} {account.role:<8} {account.athlete_id or '-'}")
