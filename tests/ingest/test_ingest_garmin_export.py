"""A Garmin Connect account export through the real pipeline (Dagster run, real DuckDB): its
activities load, a damaged member is recorded, and copies from other sources pair with them."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import duckdb
import pytest

from pipelines.settings import load_settings
from tests.conftest import run_ingest
from tests.garmin_exports import PART1, PART2, USER, garmin_export, health_fit

pytestmark = pytest.mark.slow  # whole pipeline runs

WATCH_AND_EXPORTS, EXPORTS_ONLY = "r001", "r002"
ROSTER = (
    "athlete_id,display_name,sex,birth_year,weight_unit,time_zone,hr_rest,hr_max,training_group\n"
    f"{WATCH_AND_EXPORTS},Left Strava,F,1985,kg,Europe/Berlin,50,190,\n"
    f"{EXPORTS_ONLY},Exports Only,M,1980,kg,Europe/Berlin,52,185,\n"
)
VENU = "fit/garmin-venusq_run_hr_landal-park.fit"
VENU_START = "2022-05-29 15:53:35+00"
CUT = f"{PART2}/{USER}_9100000006.fit"


def _strava_zip(realdata: Path, target: Path, athlete: str) -> None:
    """The real Strava export, in a folder named for the athlete (so each has its own bytes)."""
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted((realdata / "strava_export").rglob("*")):
            if path.is_file():
                archive.write(
                    path, f"export_{athlete}/{path.relative_to(realdata / 'strava_export')}"
                )


def _garmin_zip(realdata: Path, athlete: str) -> bytes:
    """The Venu Sq run's original, two more runs, a health-data file and a FIT cut at 40 bytes
    (the summaries name the athlete, so each has its own bytes)."""
    fr110 = (realdata / "fit/garmin-fr110_run_hr_5laps.fit").read_bytes()
    uploads = {
        PART1: {
            f"{USER}_9100000001.fit": (realdata / VENU).read_bytes(),
            f"{USER}_9100000002.fit": fr110,
            f"{USER}_9100000003.fit": health_fit(),
        },
        PART2: {
            f"{USER}_9100000004.tcx": (realdata / "tcx/garmin-fr410_run_hr_3laps.tcx").read_bytes(),
            CUT.rsplit("/", 1)[1]: fr110[:40],
        },
    }  # fmt: skip
    backup = (realdata / "fit/garmin-fenix5_run_hr_short.fit").read_bytes()
    return garmin_export(uploads, backup, customer=athlete)


@pytest.fixture(scope="module")
def club(realdata: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One member hands in the watch's file and both exports, another only the two exports."""
    home = tmp_path_factory.mktemp("garmin_club")
    (home / "club").mkdir()
    (home / "club" / "roster.csv").write_text(ROSTER)
    for athlete in (WATCH_AND_EXPORTS, EXPORTS_ONLY):
        inbox = home / "inbox" / athlete
        inbox.mkdir(parents=True)
        _strava_zip(realdata, inbox / "export_strava.zip", athlete)
        (inbox / "export_garmin.zip").write_bytes(_garmin_zip(realdata, athlete))
    shutil.copy(realdata / VENU, home / "inbox" / WATCH_AND_EXPORTS / "venu.fit")
    outcome = run_ingest(load_settings(home))
    assert outcome.success, outcome.blocked_reason
    return home


def _rows(home: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.sql(sql, params=params or []).fetchall()


def test_every_activity_of_the_garmin_export_loads_with_its_figures(club: Path) -> None:
    rows = _rows(
        club,
        "select strftime(start_utc at time zone 'UTC', '%Y-%m-%d %H:%M:%S'), sport, distance_m, "
        "timer_s, n_points from activities "
        "where source = 'garmin_export' and athlete_id = ? order by start_utc",
        [WATCH_AND_EXPORTS],
    )
    # MANIFEST: the Forerunner 410 TCX (lap sums), the Forerunner 110 and Venu Sq FIT sessions
    expected = [
        ("2012-12-26 21:29:53", "running", 4689.243, 1992.78, 384),
        ("2013-02-06 12:11:14", "running", 4835.38, 2625.14, 590),
        ("2022-05-29 15:53:35", "running", 3322.95, 1428.038, 326),
    ]
    assert len(rows) == len(expected)
    for row, (start, sport, distance, timer, points) in zip(rows, expected, strict=True):
        assert row[:2] == (start, sport)
        assert row[2] == pytest.approx(distance, rel=0.015)
        assert row[3] == pytest.approx(timer, rel=0.01)
        assert row[4] == points


def test_the_damaged_member_is_recorded_by_its_full_path_and_the_rest_load(club: Path) -> None:
    files = _rows(
        club,
        "select athlete_id, status, items from files "
        "where original_name = 'export_garmin.zip' order by athlete_id",
    )
    assert files == [(WATCH_AND_EXPORTS, "ingested", 3), (EXPORTS_ONLY, "ingested", 3)]
    reasons = _rows(
        club,
        "select f.athlete_id, e.reason from ingest_errors e join files f using (sha256) "
        "where f.original_name = 'export_garmin.zip' order by f.athlete_id",
    )
    # the health-data file beside the runs is no problem of the member's: only the cut file is
    reason = f"{CUT}: the file is truncated before its first recorded point"
    assert reasons == [(WATCH_AND_EXPORTS, reason), (EXPORTS_ONLY, reason)]


def test_the_watch_file_is_canonical_and_both_export_copies_point_to_it(club: Path) -> None:
    rows = _rows(
        club,
        "select source, activity_id, has_hr, duplicate_of from activities "
        "where athlete_id = ? and start_utc = ?",
        [WATCH_AND_EXPORTS, VENU_START],
    )
    by_source = {source: rest for source, *rest in rows}
    assert sorted(by_source) == ["file", "garmin_export", "strava_export"]
    watch_id, watch_hr, watch_duplicate_of = by_source["file"]
    assert watch_hr and watch_duplicate_of is None
    assert by_source["garmin_export"][2] == watch_id
    assert by_source["strava_export"][2] == watch_id


def test_without_the_watch_file_the_garmin_copy_with_hr_wins_over_stravas(club: Path) -> None:
    rows = _rows(
        club,
        "select source, activity_id, has_hr, duplicate_of from activities "
        "where athlete_id = ? and start_utc = ?",
        [EXPORTS_ONLY, VENU_START],
    )
    by_source = {source: rest for source, *rest in rows}
    assert sorted(by_source) == ["garmin_export", "strava_export"]
    garmin_id, garmin_hr, garmin_duplicate_of = by_source["garmin_export"]
    assert garmin_hr and garmin_duplicate_of is None
    assert by_source["strava_export"][1:] == [False, garmin_id]


def test_only_the_venu_run_is_marked_a_duplicate(club: Path) -> None:
    duplicates = _rows(
        club,
        "select athlete_id, source from activities where duplicate_of is not null "
        "order by athlete_id, source",
    )
    assert duplicates == [
        (WATCH_AND_EXPORTS, "garmin_export"),
        (WATCH_AND_EXPORTS, "strava_export"),
        (EXPORTS_ONLY, "strava_export"),
    ]
