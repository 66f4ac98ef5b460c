"""Demo logins for the demo club: one coach and the first few members (never for a real club)."""

from __future__ import annotations

import csv
from pathlib import Path

from dashboard.accounts.auth import add_account, find_account, reset_password

DEMO_COACH = ("coach", "coach-demo-2026")
DEMO_MEMBERS = 3


def demo_password(athlete_id: str) -> str:
    """The demo password of a member (printed by `make demo`)."""
    return f"{athlete_id}-demo-2026"


def create_demo_accounts(club: Path, accounts: Path) -> list[tuple[str, str, str, str | None]]:
    """Create (or reset) the demo coach and member accounts; returns (user, password, role, athlete)."""
    with open(club / "roster.csv", newline="", encoding="utf-8-sig") as fh:
        members = [row["athlete_id"] for row in csv.DictReader(fh)][:DEMO_MEMBERS]
    logins = [(DEMO_COACH[0], DEMO_COACH[1], "coach", None)] + [
        (athlete_id, demo_password(athlete_id), "member", athlete_id) for athlete_id in members
    ]
    for user, password, role, athlete_id in logins:
        if find_account(accounts, user):
            reset_password(accounts, user, password)
        else:
            add_account(accounts, user, role, password, athlete_id=athlete_id)
    return logins
