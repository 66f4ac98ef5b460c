"""`strongstride users`: create, remove, reset and list dashboard accounts (the operator's CLI)."""

from __future__ import annotations

import sys

import click

from dashboard.config import load_config

ROLES = ("coach", "member")


@click.group(help="Manage dashboard accounts (stored as argon2id hashes).")
def users_app() -> None:
    """The `users` command group."""


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        # Only the first line, so `echo pw | ...` and here-strings both work.
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _fail(err: Exception) -> None:
    click.echo(f"Error: {err}", err=True)
    raise SystemExit(1)


@users_app.command("add")
@click.argument("name")
@click.option(
    "--role",
    required=True,
    type=click.Choice(ROLES),
    help="coach sees every athlete; member only their own.",
)
@click.option("--athlete", default=None, help="The member's athlete_id from club/roster.csv.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def add(name: str, role: str, athlete: str | None, password_stdin: bool) -> None:
    """Create an account NAME (log-in name: lower-case letters, digits, . _ -)."""
    from dashboard.accounts import auth  # argon2 loads only for the commands that need it

    config = load_config()
    try:
        account = auth.add_account(
            config.accounts_file,
            name,
            role,
            _read_password(password_stdin),
            athlete,
            config.min_password_length,
        )
    except auth.AccountError as err:
        _fail(err)
        return
    bound = f" for athlete {account.athlete_id}" if account.athlete_id else ""
    click.echo(f"Created {account.role} account '{account.username}'{bound}.")


@users_app.command("remove")
@click.argument("name")
def remove(name: str) -> None:
    """Delete the account NAME (its open sessions end at their next page load)."""
    from dashboard.accounts import auth

    try:
        auth.remove_account(load_config().accounts_file, name)
    except auth.AccountError as err:
        _fail(err)
        return
    click.echo(f"Removed account '{auth.normalise_username(name)}'.")


@users_app.command("reset-password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
def reset_password(name: str, password_stdin: bool) -> None:
    """Set a new password for NAME; this also ends the account's sessions and lifts a lock-out."""
    from dashboard.accounts import auth

    config = load_config()
    try:
        account = auth.reset_password(
            config.accounts_file, name, _read_password(password_stdin), config.min_password_length
        )
    except auth.AccountError as err:
        _fail(err)
        return
    click.echo(f"New password set for '{account.username}'; their open sessions have ended.")


@users_app.command("list")
def list_users() -> None:
    """Show every account with its role and athlete."""
    from dashboard.accounts import auth

    try:
        accounts = auth.list_accounts(load_config().accounts_file)
    except auth.AccountError as err:
        _fail(err)
        return
    if not accounts:
        click.echo(
            "No accounts yet: create one with `strongstride users add NAME --role coach --password-stdin`."
        )
        return
    click.echo(f"{'username':<24} {'role':<8} athlete")
    for account in accounts:
        click.echo(f"{account.username:<24} {account.role:<8} {account.athlete_id or '-'}")
