"""Shared fixtures: the real files in ../shared/realdata and the MANIFEST facts about them."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REALDATA = REPO.parent / "shared" / "realdata"


@pytest.fixture(scope="session")
def realdata() -> Path:
    """The shared folder of real files nobody here wrote; skip when it is absent."""
    if not REALDATA.is_dir():
        pytest.skip(
            f"real-data folder {REALDATA} is absent: place ../shared/realdata beside the repo"
        )
    return REALDATA


DEMO_ATHLETES, DEMO_WEEKS, DEMO_SEED = 12, 30, 11


def build_demo_club(home: Path, seed: int = DEMO_SEED) -> Path:
    """Generate a small demo club into `home` and run the real pipeline on it."""
    from pipelines.demo.generate import generate_demo_club
    from pipelines.run import run_ingest
    from pipelines.settings import load_settings

    generate_demo_club(home, athletes=DEMO_ATHLETES, weeks=DEMO_WEEKS, seed=seed)
    outcome = run_ingest(load_settings(home))
    assert outcome.success, outcome.blocked_reason
    return home


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo club generated, ingested by the real pipeline and published; read-only for tests."""
    return build_demo_club(tmp_path_factory.mktemp("demo_club"))
