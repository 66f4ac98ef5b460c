"""Shared fixtures: the real files in ../shared/realdata and the MANIFEST facts about them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pipelines.run import IngestOutcome
    from pipelines.settings import Settings

REPO = Path(__file__).resolve().parents[1]
REALDATA = REPO.parent / "shared" / "realdata"

# Fixtures built by a whole pipeline run: demo_home (below) and clean_run (tests/robustness). A test
# using one, directly or through another fixture, is marked slow, so `make test-fast` leaves it out.
WHOLE_RUN_FIXTURES = frozenset({"demo_home", "clean_run"})


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if WHOLE_RUN_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def realdata() -> Path:
    """The shared folder of real files nobody here wrote; skip when it is absent."""
    if not REALDATA.is_dir():
        pytest.skip(
            f"real-data folder {REALDATA} is absent: place ../shared/realdata beside the repo"
        )
    return REALDATA


DEMO_ATHLETES, DEMO_WEEKS, DEMO_SEED = 12, 30, 11


def run_ingest(settings: Settings, full_sweep: bool = False) -> IngestOutcome:
    """The real whole run (`pipelines.run.run_ingest`), recorded on a throwaway Dagster instance.

    Tests leave no Dagster run history in the club folder and skip its SQLite storage; a test that
    checks the club's own instance calls `pipelines.run.run_ingest` directly.
    """
    import dagster as dg

    from pipelines import run

    with dg.DagsterInstance.ephemeral() as instance:
        return run.run_ingest(settings, full_sweep, instance=instance)


def build_demo_club(home: Path, seed: int = DEMO_SEED) -> Path:
    """Generate a small demo club into `home` and run the real pipeline on it."""
    from pipelines.demo.generate import generate_demo_club
    from pipelines.settings import load_settings

    generate_demo_club(home, athletes=DEMO_ATHLETES, weeks=DEMO_WEEKS, seed=seed)
    outcome = run_ingest(load_settings(home))
    assert outcome.success, outcome.blocked_reason
    return home


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo club generated, ingested by the real pipeline and published; read-only for tests."""
    return build_demo_club(tmp_path_factory.mktemp("demo_club"))
