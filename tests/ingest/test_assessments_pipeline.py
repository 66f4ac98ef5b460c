"""Assessments through the real pipeline: the default catalogue installed, the coach's session and its
correction from club/records/, a refused session and a bad spreadsheet row recorded with their reasons,
and the rest in the marts."""

from __future__ import annotations

import json

import duckdb
import pytest

from pipelines.settings import Settings, load_settings
from tests.conftest import run_ingest

ROSTER = b"athlete_id,display_name,sex,birth_year,time_zone\na001,Alex,M,1996,UTC\na002,Sam,,,UTC\n"
SHEET = b"""athlete_id,assessed_on,assessor,body_mass_kg,test,measure,side,trial,value
a002,2026-01-05,Jo,70,side_bridge,hold_s,left,,60
a002,2026-01-05,Jo,70,side_bridge,hold_s,right,,48
a002,2026-01-05,Jo,70,side_bridge,hold_s,right,2,50
"""


def session(n: int, force: float, supersedes: str | None = None) -> bytes:
    def hhd(side: str, value: float) -> list[dict]:
        base = {"test": "hip_abduction_hhd", "side": side, "trial": 1}
        return [
            base | {"measure": "force_n", "value": value},
            base | {"measure": "lever_arm_m", "value": 0.8},
            base | {"measure": "mode", "value": "break"},
            base | {"measure": "position", "value": "side_lying"},
        ]

    return json.dumps(
        {
            "form": "assessment_session",
            "form_version": 1,
            "entry_id": f"{n:032x}",
            "entered_at": f"2026-03-02T1{n}:00:00+00:00",
            "entered_by": "coach",
            "entered_role": "coach",
            "athlete_id": "a001",
            "assessed_on": "2026-03-02",
            "assessor": "Sam (physio)",
            "body_mass_kg": 64.0,
            "supersedes": supersedes,
            "results": hhd("left", force) + hhd("right", 150.0),
        }
    ).encode()


@pytest.fixture(scope="module")
def club(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = load_settings(tmp_path_factory.mktemp("assessment_club"))
    settings.club.mkdir(parents=True)
    (settings.club / "roster.csv").write_bytes(ROSTER)
    (settings.club / "assessments.csv").write_bytes(SHEET)
    settings.records.mkdir(parents=True)
    (settings.records / "assessment_session-1.json").write_bytes(session(1, 180.0))
    (settings.records / "assessment_session-2.json").write_bytes(session(2, 200.0, f"{1:032x}"))
    (settings.records / "assessment_session-3.json").write_bytes(session(3, 900.0))
    outcome = run_ingest(settings)
    assert outcome.success, outcome.blocked_reason
    return settings


def query(settings: Settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.sql(sql).fetchall()


def test_the_default_catalogue_is_installed_and_published(club: Settings) -> None:
    assert (club.club / "assessment_tests.yaml").is_file()
    assert query(club, "select count(distinct test) from mart_assessment_catalog") == [(9,)]


def test_the_correction_replaces_the_session(club: Settings) -> None:
    # 200 N x 0.8 m / 64 kg = 2.5 Nm/kg (the corrected entry; 180 N is superseded)
    assert query(
        club,
        "select session_id, value from mart_assessment_results "
        "where measure = 'torque_nm_kg' and side = 'left'",
    ) == [(f"{2:032x}", 2.5)]


def test_refused_entries_and_rows_are_recorded_and_the_rest_loads(club: Settings) -> None:
    errors = query(
        club,
        "select file_name, row_number, column_name, reason from ingest_errors order by file_name",
    )
    assert errors == [
        (
            "assessment_session-3.json",
            None,
            None,
            "the assessment session was not loaded: hip_abduction_hhd force_n 900 N is outside "
            "20-800 N",
        ),
        ("assessments.csv", 4, "trial", "side_bridge hold_s trial 2 is not 1"),
    ]
    # the sheet's session without the bad row: LSI 48 / 60 = 80%
    assert query(
        club,
        "select value from mart_assessment_results where athlete_id = 'a002' and measure = 'lsi_pct'",
    ) == [(80.0,)]
    assert query(
        club, "select athlete_id, status from mart_assessment_status order by athlete_id"
    ) == [("a001", "current"), ("a002", "due")]  # data to 2026-03-02, the latest assessment
