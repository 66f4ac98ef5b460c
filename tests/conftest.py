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
        pytest.skip(f"real-data folder {REALDATA} is absent: place ../shared/realdata beside the repo")
    return REALDATA
