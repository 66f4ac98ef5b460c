"""club/ostrc_areas.yaml: copied on first run, loaded as ostrc_areas, and the codes ostrc.csv may use."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.ingest.club import install_defaults, load_club_reference
from pipelines.ingest.inbox import scan_and_archive
from pipelines.parsers.club.ostrc_areas import default_ostrc_areas_yaml
from pipelines.settings import load_settings

ROSTER = b"athlete_id,display_name,time_zone\na001,Alex,Europe/London\n"


def _load(settings) -> duckdb.DuckDBPyConnection:
    """Archive and register the club files, then load them, as a run does."""
    con = duckdb.connect(str(settings.warehouse))
    scan_and_archive(con, settings)
    load_club_reference(con, settings)
    return con


def test_default_areas_file_is_installed_on_first_run_and_kept_after(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    assert "ostrc_areas.yaml" in install_defaults(settings)
    installed = settings.club / "ostrc_areas.yaml"
    assert installed.read_bytes() == default_ostrc_areas_yaml()
    installed.write_bytes(b"areas:\n  - {code: knee, label: Knee}\n")  # the coach's edit
    assert "ostrc_areas.yaml" not in install_defaults(settings)
    assert installed.read_bytes() == b"areas:\n  - {code: knee, label: Knee}\n"


def test_the_club_areas_are_loaded_and_checked_in_ostrc_csv(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    install_defaults(settings)
    (settings.club / "roster.csv").write_bytes(ROSTER)
    (settings.club / "ostrc_areas.yaml").write_bytes(
        b"areas:\n  - {code: knee, label: Knee}\n  - {code: shin, label: Shin}\n"
    )
    (settings.club / "ostrc.csv").write_bytes(
        b"athlete_id,week_start,area,q1,q2,q3,q4\n"
        b"a001,2026-03-16,shin,1,1,1,1\n"
        b"a001,2026-03-16,thigh,1,1,1,1\n"  # a default area, but not this club's
        b"a001,2026-03-16,,0,0,0,0\n"
    )
    con = _load(settings)
    assert con.sql("select area, label from ostrc_areas order by area").fetchall() == [
        ("knee", "Knee"),
        ("shin", "Shin"),
    ]
    assert con.sql("select area from ostrc_responses order by area").fetchall() == [
        ("all",),
        ("shin",),
    ]
    assert con.sql("select row_number, column_name from ingest_errors").fetchall() == [(3, "area")]


def test_without_an_areas_file_the_default_areas_are_used(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    settings.club.mkdir(parents=True)
    (settings.club / "roster.csv").write_bytes(ROSTER)
    con = _load(settings)
    assert con.sql("select count(*) from ostrc_areas").fetchall() == [(6,)]
