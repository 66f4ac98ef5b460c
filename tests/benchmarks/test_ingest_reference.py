"""The baseline and floor readers read every point of the benchmark's files."""

from __future__ import annotations

import pytest

from benchmarks.ingest_backlog import generate_backlog
from benchmarks.ingest_reference import BASELINE, FLOOR, time_readers


@pytest.fixture(scope="module")
def files_by_format(tmp_path_factory: pytest.TempPathFactory):
    home = tmp_path_factory.mktemp("backlog")
    files = generate_backlog(home, 3, minutes=(10.0, 11.0), workers=1)
    return {f.format: [home / "inbox" / f.path] for f in files}, {f.format: f.points for f in files}


@pytest.mark.parametrize("readers", [BASELINE, FLOOR], ids=["baseline", "floor"])
def test_readers_count_the_points_the_writer_wrote(files_by_format, readers) -> None:
    paths, points = files_by_format
    timings = time_readers(readers, paths)
    assert {fmt: t["points"] for fmt, t in timings.items()} == points
    assert all(t["seconds"] > 0 and t["cpu_s"] >= 0 for t in timings.values())
