"""The real pipeline (Dagster run, real DuckDB) on an inbox of real files nobody here wrote."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import duckdb
import pytest

from pipelines.settings import load_settings
from tests.conftest import run_ingest
from tests.publish.warehouse_state import assert_same_tables, table_contents

pytestmark = pytest.mark.slow  # whole pipeline runs

ATHLETE = "r001"
ROSTER = (
    "athlete_id,display_name,sex,birth_year,weight_unit,time_zone,hr_rest,hr_max,training_group\n"
    f"{ATHLETE},Real Runner,F,1985,kg,Europe/Berlin,50,190,Real files\n"
)


def _strava_zip(realdata: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted((realdata / "strava_export").rglob("*")):
            if path.is_file():
                archive.write(path, f"export_123/{path.relative_to(realdata / 'strava_export')}")


@pytest.fixture(scope="module")
def real_club(realdata: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("real_club")
    inbox = home / "inbox" / ATHLETE
    inbox.mkdir(parents=True)
    (home / "club").mkdir()
    (home / "club" / "roster.csv").write_text(ROSTER)
    for folder in ("gpx", "tcx", "fit", "strength"):
        for path in sorted((realdata / folder).iterdir()):
            if not path.name.endswith(".records.csv"):
                shutil.copy(path, inbox / path.name)
    _strava_zip(realdata, inbox / "strava_export.zip")
    ghost = home / "inbox" / "ghost"
    ghost.mkdir()
    shutil.copy(realdata / "gpx" / "garmin-connect_run_hr.gpx", ghost / "someone_elses_run.gpx")
    outcome = run_ingest(load_settings(home))
    assert outcome.success, outcome.blocked_reason
    return home


def _rows(home: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.sql(sql, params=params or []).fetchall()


def test_every_received_file_is_archived_unchanged(real_club: Path) -> None:
    received = [p for p in (real_club / "inbox").rglob("*") if p.is_file()]
    for path in received:
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        archived = real_club / "raw" / sha[:2] / sha
        assert archived.read_bytes() == path.read_bytes(), path.name
    registered = {r[0] for r in _rows(real_club, "select sha256 from files")}
    assert {hashlib.sha256(p.read_bytes()).hexdigest() for p in received} <= registered


def test_no_file_is_left_pending(real_club: Path) -> None:
    assert _rows(real_club, "select original_name from files where status = 'pending'") == []


def test_unknown_athlete_is_an_error_never_a_guess(real_club: Path) -> None:
    rows = _rows(
        real_club,
        "select f.status, e.reason from files f join ingest_errors e using (sha256) "
        "where f.athlete_id = 'ghost'",
    )
    assert rows and rows[0][0] == "rejected"
    assert "unknown athlete 'ghost'" in rows[0][1]


@pytest.mark.parametrize(
    "name",
    ["bikerouter_planned-route_no-timestamps.gpx", "bikerouter_course-file_not-an-activity.fit"],
)
def test_courses_are_rejected_as_not_recorded_activities(real_club: Path, name: str) -> None:
    rows = _rows(real_club, "select status, error from files where original_name = ?", [name])
    assert rows[0][0] == "rejected"
    assert "not a recorded activity" in rows[0][1]


def test_watch_file_and_strava_copy_are_one_activity_with_the_watch_hr(real_club: Path) -> None:
    rows = _rows(
        real_club,
        "select a.source, a.has_hr, a.duplicate_of, f.original_name from activities a "
        "join files f on f.sha256 = a.file_sha256 "
        "where a.start_utc = '2022-05-29 15:53:35+00' order by a.source",
    )
    assert len(rows) == 2
    by_source = {r[0]: r for r in rows}
    watch, strava = by_source["file"], by_source["strava_export"]
    assert watch[3] == "garmin-venusq_run_hr_landal-park.fit"
    assert watch[1] and watch[2] is None
    assert not strava[1] and strava[2] is not None
    canonical = _rows(real_club, "select has_hr from activities where activity_id = ?", [strava[2]])
    assert canonical == [(True,)]


def test_strava_export_keeps_the_activity_name_and_type(real_club: Path) -> None:
    rows = _rows(real_club, "select name, sport from activities where source = 'strava_export'")
    assert rows == [("Laufen Landal Park", "running")]


def test_triathlon_becomes_one_activity_per_session(real_club: Path) -> None:
    rows = _rows(
        real_club,
        "select a.sport from activities a join files f on f.sha256 = a.file_sha256 "
        "where f.original_name like 'garmin-fr920xt%' order by a.start_utc",
    )
    assert [r[0] for r in rows] == ["swimming", "other", "cycling", "other", "running"]


def test_stryd_run_loads_its_running_form_and_developer_fields(real_club: Path) -> None:
    # the parser's figures, tested field by field in tests/parsers/activity/test_fit.py
    form = _rows(
        real_club,
        "select d.cadence_spm_median, d.gct_ms_median, d.form_power_w_median, "
        "d.gct_balance_left_pct_median, d.watch_rpe, d.device from activity_dynamics d "
        "join activities a using (activity_id) join files f on f.sha256 = a.file_sha256 "
        "where f.original_name = 'stryd_run_developer-fields.fit'",
    )
    # a foot pod: no balance, never 0; the device as MANIFEST.md names it
    assert form == [(150.0, 345.0, 94.0, None, None, "stryd")]
    fields = _rows(
        real_club,
        "select d.name, d.units, d.records from activity_developer_fields d "
        "join activities a using (activity_id) join files f on f.sha256 = a.file_sha256 "
        "where f.original_name = 'stryd_run_developer-fields.fit' order by d.field_number",
    )
    assert fields == [
        ("Speed", "M/S", 3424),
        ("Distance", "Meters", 3424),
        ("Form Power", "Watts", 3424),
        ("Leg Spring Stiffness", "KN/m", 3424),
    ]


def test_strength_files_load_their_sets(real_club: Path) -> None:
    rows = dict(
        _rows(
            real_club,
            "select f.original_name, count(*) from strength_sets s "
            "join files f on f.sha256 = s.file_sha256 group by 1",
        )
    )
    assert rows["strong_2025_rest-timer-rows.csv"] == 8
    assert rows["hevy_2025_weight-kg_emoji-titles.csv"] == 330


def test_ingesting_the_same_inbox_twice_changes_nothing(real_club: Path) -> None:
    before = table_contents(real_club / "warehouse.duckdb")
    outcome = run_ingest(load_settings(real_club))
    assert outcome.success
    assert_same_tables(before, table_contents(real_club / "warehouse.duckdb"))


def test_the_same_file_arriving_twice_counts_once(real_club: Path, realdata: Path) -> None:
    before = _rows(real_club, "select count(*) from activities")
    shutil.copy(
        realdata / "gpx" / "garmin-connect_run_hr.gpx",
        real_club / "inbox" / ATHLETE / "copy_of_the_same_run.gpx",
    )
    assert run_ingest(load_settings(real_club)).success
    assert _rows(real_club, "select count(*) from activities") == before


def test_a_parser_fix_gives_rejected_files_another_chance(real_club: Path) -> None:
    def rejected() -> dict[str, tuple]:
        rows = _rows(
            real_club,
            "select f.sha256, f.error, max(e.recorded_at) from files f "
            "join ingest_errors e using (sha256) where f.status = 'rejected' group by all",
        )
        return {sha: (error, recorded) for sha, error, recorded in rows}

    before = rejected()
    with duckdb.connect(str(real_club / "warehouse.duckdb")) as con:
        con.sql("update files set parser_version = parser_version - 1 where status = 'rejected'")
    assert run_ingest(load_settings(real_club)).success
    after = rejected()
    assert before.keys() == after.keys()
    for sha, (error, recorded) in before.items():
        assert after[sha][0] == error
        assert after[sha][1] > recorded, "the rejected file was not parsed again"


def test_an_unreadable_activity_in_a_strava_export_leaves_the_rest(
    realdata: Path, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox" / ATHLETE
    inbox.mkdir(parents=True)
    (tmp_path / "club").mkdir()
    (tmp_path / "club" / "roster.csv").write_text(ROSTER)
    export = inbox / "export.zip"
    _strava_zip(realdata, export)
    cut_fit = (realdata / "fit" / "garmin-fr110_run_hr_5laps.fit").read_bytes()[:40]
    with zipfile.ZipFile(export, "a") as archive:
        archive.writestr("export_123/activities/999.fit", cut_fit)
    assert run_ingest(load_settings(tmp_path)).success
    assert _rows(tmp_path, "select name, source from activities") == [
        ("Laufen Landal Park", "strava_export")
    ]
    assert _rows(tmp_path, "select status, items from files where kind = 'strava_export'") == [
        ("ingested", 1)
    ]
    (reason,) = _rows(tmp_path, "select reason from ingest_errors")[0]
    assert reason.startswith("export_123/activities/999.fit: ")
