"""Strength logs are loaded a chunk of files per transaction: the result does not depend on the chunk."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest import strength
from pipelines.settings import load_settings
from tests.conftest import run_ingest

pytestmark = pytest.mark.slow  # whole pipeline runs

ROSTER = (
    "athlete_id,display_name,sex,birth_year,weight_unit,time_zone,hr_rest,hr_max,training_group\n"
    "r001,Real Runner,F,1985,kg,Europe/Berlin,50,190,Real files\n"
    "r002,Other Runner,M,1979,lb,America/Denver,55,185,Real files\n"
)

LOGS = {  # one content is one file wherever it arrives: each log goes to one folder
    "r001": ("hevy_2025_weight-kg_emoji-titles.csv", "strong_2021_en_no-unit-column.csv"),
    "r002": ("strong_2025_rest-timer-rows.csv",),
}


def _club(home: Path, realdata: Path) -> Path:
    (home / "club").mkdir(parents=True)
    (home / "club" / "roster.csv").write_text(ROSTER)
    for athlete, logs in LOGS.items():
        inbox = home / "inbox" / athlete
        inbox.mkdir(parents=True)
        for name in logs:
            shutil.copy(realdata / "strength" / name, inbox / name)
    (home / "inbox" / "r001" / "broken.csv").write_text("not,a,strength\nlog,at,all\n")
    return home


def _loaded(home: Path) -> tuple[list[tuple], list[tuple], list[tuple]]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        sets = con.sql(
            "select s.* exclude (file_sha256), f.original_name from strength_sets s "
            "join files f on f.sha256 = s.file_sha256 order by all"
        ).fetchall()
        files = con.sql(
            "select original_name, athlete_id, status, items, error from files "
            "where kind = 'strength' order by all"
        ).fetchall()
        errors = con.sql(
            "select f.original_name, e.row_number, e.reason from ingest_errors e "
            "join files f using (sha256) where f.kind = 'strength' order by all"
        ).fetchall()
    return sets, files, errors


def test_strength_logs_loaded_one_file_per_transaction_equal_one_load(
    realdata: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = _club(tmp_path / "whole", realdata)
    assert run_ingest(load_settings(whole)).success
    monkeypatch.setattr(strength, "LOAD_FILES", 1)
    chunked = _club(tmp_path / "chunked", realdata)
    assert run_ingest(load_settings(chunked)).success

    sets, files, errors = _loaded(chunked)
    assert (sets, files, errors) == _loaded(whole)
    assert [(name, athlete, status) for name, athlete, status, *_ in files] == [
        ("broken.csv", "r001", "rejected"),
        ("hevy_2025_weight-kg_emoji-titles.csv", "r001", "ingested"),
        ("strong_2021_en_no-unit-column.csv", "r001", "ingested"),
        ("strong_2025_rest-timer-rows.csv", "r002", "ingested"),
    ]
    per_file = {name: sum(1 for *_, n in sets if n == name) for name in LOGS["r001"]}
    assert per_file["hevy_2025_weight-kg_emoji-titles.csv"] == 330
