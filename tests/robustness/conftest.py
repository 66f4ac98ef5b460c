"""The shared club inputs, and one clean run on them that fault tests compare their tables with."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.robustness.club import (
    CleanRun,
    build_club,
    copy_home,
    ingest,
    serving_marts,
    warehouse_tables,
)


@pytest.fixture(scope="session")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder outside every club home: hostile zips aim here, so nothing may ever appear in it."""
    return tmp_path_factory.mktemp("outside_the_club")


@pytest.fixture(scope="session")
def club_inputs(realdata: Path, outside: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A club home holding only inputs (inbox, roster, accounts): copy it, never change it."""
    home = tmp_path_factory.mktemp("club_inputs") / "home"
    build_club(home, realdata, outside)
    return home


@pytest.fixture(scope="session")
def clean_run(club_inputs: Path, tmp_path_factory: pytest.TempPathFactory) -> CleanRun:
    """One uninterrupted ingest of the inputs; its home is read-only for tests (copy to damage)."""
    home = copy_home(club_inputs, tmp_path_factory.mktemp("clean_run") / "home")
    outcome = ingest(home)
    assert outcome.success, outcome.blocked_reason
    return CleanRun(home, warehouse_tables(home), serving_marts(home))
