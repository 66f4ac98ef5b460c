"""The demo inbox holds a few bad files (truth.json "bad_files"): after the real pipeline run each ends
as planted (rejected for the right reason, or loaded and flagged) and everything else still loads."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from pipelines.demo import generate_demo_club

KINDS = ("route", "truncated_fit", "unknown_athlete", "unmapped_exercise")


def _planted(home: Path) -> dict[str, dict[str, str]]:
    return json.loads((home / "demo" / "truth.json").read_text())["bad_files"]


def test_each_bad_file_ends_as_planted_and_the_rest_loads(demo_home: Path) -> None:
    planted = _planted(demo_home)
    assert sorted(entry["kind"] for entry in planted.values()) == sorted(KINDS)
    with duckdb.connect(str(demo_home / "warehouse.duckdb"), read_only=True) as con:
        files = {
            path: (sha, status, error)
            for path, sha, status, error in con.execute(
                "select inbox_path, sha256, status, error from files"
            ).fetchall()
        }

        def row(relative: str) -> tuple[str, str, str | None]:
            found = [v for path, v in files.items() if path.endswith(relative)]
            assert len(found) == 1, f"{relative}: {len(found)} rows in files"
            return found[0]

        for relative, expected in planted.items():
            sha, status, error = row(relative)
            assert status == expected["status"], (relative, status, error)
            mentions = expected["mentions"].lower()
            if status == "rejected":
                assert mentions in (error or "").lower(), (relative, error)
                reasons = con.execute(
                    "select list(reason) from ingest_errors where sha256 = ?", [sha]
                ).fetchone()[0]
                assert any(mentions in r.lower() for r in reasons), (relative, reasons)
            elif expected["kind"] == "truncated_fit":
                activity = con.execute(
                    "select warnings, is_running, duplicate_of from activities "
                    "where file_sha256 = ?",
                    [sha],
                ).fetchall()
                assert len(activity) == 1, relative
                warnings, is_running, duplicate_of = activity[0]
                assert any(mentions in w.lower() for w in warnings), warnings
                # the cut lost the session (no sport): never a second copy of the run
                assert not is_running or duplicate_of is not None
            else:
                unmapped = {
                    name
                    for (name,) in con.execute(
                        "select exercise_logged from mart_unmapped_exercises"
                    ).fetchall()
                }
                assert expected["mentions"] in unmapped
        bad = {row(relative)[0] for relative in planted}
        others = [
            (path, status, error)
            for path, (sha, status, error) in files.items()
            if sha not in bad and status != "ingested"
        ]
    assert others == [], "every file but the planted bad ones loads"


def test_bad_files_are_deterministic_and_listed(tmp_path: Path) -> None:
    homes = [tmp_path / "a", tmp_path / "b"]
    for home in homes:
        generate_demo_club(home, athletes=4, weeks=3, seed=5, workers=1)
    first, second = (_planted(home) for home in homes)
    assert first == second and sorted(e["kind"] for e in first.values()) == sorted(KINDS)
    for relative in first:
        data = [(home / "inbox" / relative).read_bytes() for home in homes]
        assert data[0] == data[1] and 0 < len(data[0]) < 200_000, relative


def test_the_bad_files_can_be_left_out(tmp_path: Path) -> None:
    summary = generate_demo_club(tmp_path, athletes=2, weeks=1, workers=1, bad_files=False)
    assert summary.bad_files == 0 and _planted(tmp_path) == {}
    assert not (tmp_path / "inbox" / "visitor01").exists()
