"""Parsing a backlog on worker processes: every file once, the same rows as in one process."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from benchmarks.ingest_backlog import generate_backlog
from pipelines.ingest.activities import (
    POOL_MIN_BYTES,
    Backlog,
    BatchLoader,
    mark_duplicates,
    run_parsing,
)
from pipelines.ingest.club import load_club_reference
from pipelines.ingest.inbox import scan_and_archive
from pipelines.settings import load_settings

FILES = 24  # 30-minute 1 Hz runs: about 12 MB, above the size that starts worker processes


def _ingest(home: Path, workers: int) -> tuple[duckdb.DuckDBPyConnection, list[tuple[int, int]]]:
    settings = replace(load_settings(home), parse_workers=workers)
    con = duckdb.connect(str(settings.warehouse))
    scan_and_archive(con, settings)
    load_club_reference(con, settings)
    backlog = Backlog(con, settings, ["activity"])
    assert not backlog.rejected()
    progress: list[tuple[int, int]] = []
    with BatchLoader(con, backlog) as load:
        run_parsing(backlog, settings, load, lambda done, total: progress.append((done, total)))
    mark_duplicates(con)
    return con, progress


@pytest.fixture(scope="module")
def backlog(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    source = tmp_path_factory.mktemp("backlog")
    files = generate_backlog(source, FILES, minutes=(30.0, 31.0), workers=1)
    return source, {Path(f.path).name: f.points for f in files}


def _club(source: Path, target: Path) -> Path:
    for path in source.rglob("*"):
        if path.is_file():
            copy = target / path.relative_to(source)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes(path.read_bytes())
    return target


def test_the_backlog_is_big_enough_to_start_workers(backlog) -> None:
    source, _ = backlog
    assert sum(p.stat().st_size for p in (source / "inbox").rglob("*.*")) > POOL_MIN_BYTES


@pytest.mark.slow  # worker processes
def test_two_workers_ingest_every_point_of_every_file_once(backlog, tmp_path: Path) -> None:
    source, points = backlog
    con, progress = _ingest(_club(source, tmp_path), workers=2)
    rows = con.sql(
        "select f.original_name, a.n_points, (select count(*) from activity_samples s "
        "where s.activity_id = a.activity_id) from activities a join files f "
        "on f.sha256 = a.file_sha256"
    ).fetchall()
    assert {name: n for name, n, _ in rows} == points  # the writer's own point counts
    assert all(n == samples for _, n, samples in rows)
    # several batches, each counted once as it is handed over, ending with every file
    assert len(progress) > 2
    assert [done for done, _ in progress] == sorted({done for done, _ in progress})
    assert progress[-1] == (FILES, FILES)


@pytest.mark.slow  # worker processes
def test_workers_give_the_same_activities_as_one_process(backlog, tmp_path: Path) -> None:
    source, _ = backlog
    summary = (
        "select * exclude (loaded_at) from activities order by activity_id",
        "select * from activity_samples order by activity_id, t",
    )
    pooled, _ = _ingest(_club(source, tmp_path / "pooled"), workers=2)
    single, progress = _ingest(_club(source, tmp_path / "single"), workers=1)
    assert progress[-1] == (FILES, FILES)
    for query in summary:
        assert pooled.sql(query).fetchall() == single.sql(query).fetchall()
