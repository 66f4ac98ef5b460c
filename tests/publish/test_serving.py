"""Publication: atomic swaps a live reader never sees half-done, and blocking checks keep the old file."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from pipelines.settings import load_settings
from tests.conftest import run_ingest
from tests.publish.warehouse_state import table_contents

pytestmark = pytest.mark.slow  # whole pipeline runs; one beside a reader subprocess

ROSTER = (
    "athlete_id,display_name,sex,birth_year,weight_unit,time_zone,hr_rest,hr_max,training_group\n"
    "r001,Real Runner,F,1985,kg,Europe/Berlin,50,190,Real files\n"
)
RUNS = (
    "fit/garmin-fr110_run_hr_5laps.fit",
    "gpx/garmin-connect_run_hr.gpx",
    "tcx/garmin-fr410_run_hr_3laps.tcx",
)

READER = textwrap.dedent(
    """
    import json, os, sys, duckdb
    serving, expected, stop = sys.argv[1], set(sys.argv[2].split(",")), sys.argv[3]
    generations, errors = set(), []
    while True:
        # the stop file is looked at before the read: the last read comes after the last publish
        done = os.path.exists(stop)
        try:
            with duckdb.connect(serving, read_only=True) as con:
                tables = {r[0] for r in con.sql("select table_name from information_schema.tables").fetchall()}
                generation = con.sql("select generation from serving_meta").fetchall()[0][0]
                con.sql("select count(*) from mart_athlete_runs").fetchall()
            if tables != expected:
                errors.append(f"generation {generation} has tables {sorted(tables ^ expected)} differing")
            generations.add(generation)
        except Exception as exc:
            errors.append(repr(exc))
        if done:
            break
    print(json.dumps(sorted(generations)))
    print("ERRORS", errors[:5], len(errors))
    """
)


@pytest.fixture
def club(realdata: Path, tmp_path: Path) -> Path:
    (tmp_path / "club").mkdir()
    (tmp_path / "club" / "roster.csv").write_text(ROSTER)
    inbox = tmp_path / "inbox" / "r001"
    inbox.mkdir(parents=True)
    for name in RUNS[:2]:
        shutil.copy(realdata / name, inbox)
    assert run_ingest(load_settings(tmp_path)).success
    return tmp_path


def _tables(serving: Path) -> set[str]:
    with duckdb.connect(str(serving), read_only=True) as con:
        return {
            r[0] for r in con.sql("select table_name from information_schema.tables").fetchall()
        }


def test_a_live_reader_sees_only_complete_generations(club: Path, realdata: Path) -> None:
    serving = club / "serving.duckdb"
    stop = club / "stop-reader"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(serving), ",".join(sorted(_tables(serving))), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    shutil.copy(realdata / RUNS[2], club / "inbox" / "r001")
    assert run_ingest(load_settings(club)).success
    assert run_ingest(load_settings(club)).success
    stop.touch()
    out, _ = reader.communicate(timeout=60)
    generations, errors = out.strip().splitlines()
    assert errors == "ERRORS [] 0"
    assert json.loads(generations) == [1, 2, 3]
    with duckdb.connect(str(serving), read_only=True) as con:
        (replaced,) = con.sql("select replaced_marts from serving_meta").fetchall()[0]
    assert "mart_athlete_runs" not in replaced  # the third run had no new file: a partial publish


def test_a_failing_blocking_check_keeps_the_last_good_serving_file(club: Path) -> None:
    serving = club / "serving.duckdb"
    before = table_contents(serving)
    with duckdb.connect(str(club / "warehouse.duckdb")) as con:
        con.sql("insert into activities select * from activities limit 1")
    outcome = run_ingest(load_settings(club))
    assert not outcome.success
    assert "activities_keys" in (outcome.blocked_reason or "")
    after = table_contents(serving)
    for name in before.keys() - {"serving_meta", "mart_check_results"}:
        assert before[name].equals(after[name]), f"{name} changed although publication was blocked"
    with duckdb.connect(str(serving), read_only=True) as con:
        reason = con.sql("select blocked_reason from serving_meta").fetchall()[0][0]
        failed = con.sql("select check_name from mart_check_results where not passed").fetchall()
    assert "activities_keys" in reason
    assert ("activities_keys",) in failed


def test_two_clubs_side_by_side_share_nothing(club: Path, realdata: Path, tmp_path_factory) -> None:
    other = tmp_path_factory.mktemp("other_club")
    (other / "club").mkdir()
    (other / "club" / "roster.csv").write_text(ROSTER.replace("r001", "x900"))
    (other / "inbox" / "x900").mkdir(parents=True)
    shutil.copy(realdata / RUNS[2], other / "inbox" / "x900")
    assert run_ingest(load_settings(other)).success
    with duckdb.connect(str(club / "serving.duckdb"), read_only=True) as con:
        mine = {r[0] for r in con.sql("select athlete_id from mart_athlete_runs").fetchall()}
    with duckdb.connect(str(other / "serving.duckdb"), read_only=True) as con:
        theirs = {r[0] for r in con.sql("select athlete_id from mart_athlete_runs").fetchall()}
    assert mine == {"r001"} and theirs == {"x900"}
    assert not any(p.is_relative_to(club) for p in other.rglob("*"))
