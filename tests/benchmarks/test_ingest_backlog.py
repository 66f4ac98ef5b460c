"""The ingestion benchmark's backlog: 1 Hz runs in GPX, TCX and FIT, with the points it says it wrote."""

from __future__ import annotations

import csv
from pathlib import Path

import fitdecode
import pytest

from benchmarks.ingest_backlog import FORMATS, generate_backlog


@pytest.fixture(scope="module")
def backlog(tmp_path_factory: pytest.TempPathFactory):
    home = tmp_path_factory.mktemp("backlog")
    return home, generate_backlog(home, 6, minutes=(20.0, 21.0), workers=1)


def _points_in(path: Path) -> int:
    """Counted straight from the bytes, not through any parser of ours."""
    if path.suffix == ".fit":
        with fitdecode.FitReader(str(path)) as reader:
            return sum(
                isinstance(f, fitdecode.FitDataMessage) and f.name == "record" for f in reader
            )
    marker = b"<trkpt " if path.suffix == ".gpx" else b"<Trackpoint>"
    return path.read_bytes().count(marker)


def test_formats_rotate_and_every_file_is_in_its_athletes_inbox(backlog) -> None:
    home, files = backlog
    assert [f.format for f in files] == list(FORMATS) * 2
    for f in files:
        path = home / "inbox" / f.path
        assert path.suffix == "." + f.format
        assert path.parent.name == "b0000"


def test_points_are_one_a_second_for_20_minutes(backlog) -> None:
    home, files = backlog
    for f in files:
        assert _points_in(home / "inbox" / f.path) == f.points
        assert 20 * 60 <= f.points <= 21 * 60 + 1


def test_the_roster_lists_the_athlete(backlog) -> None:
    home, _ = backlog
    with open(home / "club" / "roster.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["athlete_id"] for r in rows] == ["b0000"]
    assert rows[0]["time_zone"] == "Europe/London"
