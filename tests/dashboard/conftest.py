"""Dashboard fixtures: a private copy of the demo club's serving file, with a coach and a member account."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from dashboard.accounts import auth

COACH = ("coach", "coach password 2026")
MEMBER = ("member", "member password 2026")
APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


@dataclass(frozen=True)
class DashClub:
    """A club home the dashboard tests may write to, and the facts they check against."""

    home: Path
    member_athlete: str
    member_name: str
    other_athlete: str
    other_names: tuple[str, ...]

    @property
    def serving(self) -> Path:
        return self.home / "serving.duckdb"


def make_club_home(demo_home: Path, home: Path) -> DashClub:
    """Copy the published serving file into `home`, add accounts, and read who is who from the file."""
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy2(demo_home / "serving.duckdb", home / "serving.duckdb")
    con = duckdb.connect(str(home / "serving.duckdb"), read_only=True)
    try:
        # The member is the athlete with the most runs, so isolation checks never pass vacuously.
        ranked = con.sql(
            """SELECT a.athlete_id, a.display_name, count(r.activity_id) AS runs
            FROM mart_athletes AS a LEFT JOIN mart_athlete_runs AS r USING (athlete_id)
            GROUP BY ALL ORDER BY runs DESC, a.athlete_id"""
        ).fetchall()
    finally:
        con.close()
    member_id, member_name, _ = ranked[0]
    others = tuple(name for _, name, _ in ranked[1:] if name not in member_name)
    auth.add_account(home / "accounts.json", COACH[0], "coach", COACH[1])
    auth.add_account(home / "accounts.json", MEMBER[0], "member", MEMBER[1], athlete_id=member_id)
    return DashClub(home, member_id, member_name, ranked[1][0], others)


@pytest.fixture(scope="session")
def dash_club(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> DashClub:
    """One shared club home for read-only dashboard tests."""
    return make_club_home(demo_home, tmp_path_factory.mktemp("dashboard_home"))


@pytest.fixture
def club_env(dash_club: DashClub, monkeypatch: pytest.MonkeyPatch) -> DashClub:
    """The shared club home, with STRONGSTRIDE_HOME pointing at it."""
    monkeypatch.setenv("STRONGSTRIDE_HOME", str(dash_club.home))
    return dash_club


@pytest.fixture
def fresh_club(demo_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DashClub:
    """A club home of this test's own (for uploads and file swaps), with STRONGSTRIDE_HOME set."""
    club = make_club_home(demo_home, tmp_path / "home")
    monkeypatch.setenv("STRONGSTRIDE_HOME", str(club.home))
    return club
