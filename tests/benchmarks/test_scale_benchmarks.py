"""The scale benchmarks' own bookkeeping: shared clubs left as found, every query function timed."""

from __future__ import annotations

import hashlib
from pathlib import Path

from benchmarks.dashboard_queries import calls
from benchmarks.nightly import PREFIX, added, restore


def club_folder(home: Path) -> Path:
    (home / "inbox" / "a001").mkdir(parents=True)
    (home / "inbox" / "a001" / "old.gpx").write_bytes(b"<gpx>old</gpx>")
    (home / "warehouse.duckdb").write_bytes(b"warehouse before")
    (home / "serving-a.duckdb").write_bytes(b"serving before")
    (home / "serving-b.duckdb").write_bytes(b"serving the generation before")
    (home / "serving.duckdb").symlink_to("serving-a.duckdb")
    return home


def archive(home: Path, path: Path) -> Path:
    """Copy a file into the raw archive as the pipeline does (by its sha256)."""
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    target = home / "raw" / sha[:2] / sha
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(path.read_bytes())
    return target


def test_a_nightly_run_leaves_the_shared_club_as_it_found_it(tmp_path: Path) -> None:
    home = club_folder(tmp_path / "club")
    new = tmp_path / "new.gpx"
    new.write_bytes(b"<gpx>new run</gpx>")
    with added(home, [("a002", new)]):
        copied = home / "inbox" / "a002" / f"{PREFIX}new.gpx"
        assert copied.read_bytes() == b"<gpx>new run</gpx>"
        raw_copy = archive(home, copied)
        (home / "warehouse.duckdb").write_bytes(b"warehouse after the run")
        (home / "warehouse.duckdb.wal").write_bytes(b"wal")
        # the run's publish: the older generation file written in place, the link moved to it
        (home / "serving-b.duckdb").write_bytes(b"serving after the run")
        (home / "serving.duckdb").unlink()
        (home / "serving.duckdb").symlink_to("serving-b.duckdb")
    assert (home / "warehouse.duckdb").read_bytes() == b"warehouse before"
    assert (home / "serving.duckdb").readlink() == Path("serving-a.duckdb")
    assert (home / "serving.duckdb").read_bytes() == b"serving before"
    assert (home / "serving-b.duckdb").read_bytes() == b"serving the generation before"
    assert not (home / "warehouse.duckdb.wal").exists()
    assert not copied.exists() and not raw_copy.exists()
    assert (home / "inbox" / "a001" / "old.gpx").exists()
    assert sorted(p.name for p in home.iterdir()) == [
        "inbox",
        "raw",
        "serving-a.duckdb",
        "serving-b.duckdb",
        "serving.duckdb",
        "warehouse.duckdb",
    ]


def test_a_generation_file_a_run_made_is_removed_afterwards(tmp_path: Path) -> None:
    home = club_folder(tmp_path / "club")
    (home / "serving-b.duckdb").unlink()
    with added(home, []):
        (home / "serving-b.duckdb").write_bytes(b"the run's first copy")
    assert not (home / "serving-b.duckdb").exists()
    assert (home / "serving.duckdb").read_bytes() == b"serving before"


def test_an_interrupted_run_is_undone_by_the_next(tmp_path: Path) -> None:
    home = club_folder(tmp_path / "club")
    leftover = home / "inbox" / "a001" / f"{PREFIX}left.gpx"
    leftover.write_bytes(b"<gpx>left behind</gpx>")
    raw_copy = archive(home, leftover)
    (home / "warehouse.duckdb.bench-snapshot").write_bytes(b"warehouse before")
    (home / "warehouse.duckdb").write_bytes(b"half-written by a killed run")
    restore(home)
    assert (home / "warehouse.duckdb").read_bytes() == b"warehouse before"
    assert not leftover.exists() and not raw_copy.exists()
    assert not (home / "warehouse.duckdb.bench-snapshot").exists()


def test_every_public_query_function_is_timed_for_each_role_allowed_to_call_it() -> None:
    from dashboard import data

    functions = {
        name
        for name in data.__all__
        if callable(getattr(data, name)) and not isinstance(getattr(data, name), type)
    }
    timed = calls("a001", "hip_abduction_hhd")
    assert {name for name, _, _ in timed} == functions
    member_functions = {name for name, role, _ in timed if role == "member"}
    # members are timed on the functions that serve them; club-wide ones refuse members
    assert "athlete_runs" in member_functions and "club_weekly" not in member_functions
    assert len(timed) == len(functions) + len(member_functions)
