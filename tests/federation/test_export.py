"""Marts exported as Parquet: one folder per mart, readable across clubs with the club as a column."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipelines.cli.main import app
from pipelines.federation.export import export_federation, export_marts


def published_club(home: Path, athletes: list[str], weekly_km: list[float]) -> Path:
    """A club folder with a roster and a serving file holding two small marts and serving_meta."""
    (home / "club").mkdir(parents=True)
    (home / "club" / "roster.csv").write_text(
        "athlete_id,display_name\n" + "".join(f"{a},{a.upper()}\n" for a in athletes)
    )
    with duckdb.connect(str(home / "serving.duckdb")) as con:
        con.sql("create table mart_athletes (athlete_id varchar, display_name varchar)")
        for athlete in athletes:
            con.sql("insert into mart_athletes values (?, ?)", params=[athlete, athlete.upper()])
        con.sql("create table mart_club_weekly (week_start date, running_km double)")
        for week, km in enumerate(weekly_km):
            con.sql(
                "insert into mart_club_weekly values (?, ?)",
                params=[date(2026, 1, 5 + 7 * week), km],
            )
        con.sql("create table serving_meta (generation bigint)")
    return home


def test_every_mart_of_a_club_becomes_one_parquet_file(tmp_path: Path) -> None:
    club = published_club(tmp_path / "harriers", ["h1", "h2"], [40.0, 55.5])
    written = export_marts(club / "serving.duckdb", tmp_path / "out", "harriers")
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in written) == [
        "mart_athletes/club=harriers/data.parquet",
        "mart_club_weekly/club=harriers/data.parquet",
    ]
    rows = duckdb.sql("select * from read_parquet(?)", params=[str(written[1])]).fetchall()
    # DuckDB reads the club=harriers folder as a column
    assert rows == [(date(2026, 1, 5), 40.0, "harriers"), (date(2026, 1, 12), 55.5, "harriers")]


def test_a_mart_reads_across_clubs_with_the_club_as_a_column(tmp_path: Path) -> None:
    root = tmp_path / "clubs"
    published_club(root / "harriers", ["h1", "h2"], [40.0, 55.5])
    published_club(root / "striders", ["s1"], [12.0])
    (root / "not_yet_ingested" / "club").mkdir(parents=True)
    (root / "not_yet_ingested" / "club" / "roster.csv").write_text("athlete_id\nn1\n")
    assert export_federation(root, tmp_path / "out") == {"harriers": 2, "striders": 2}
    totals = duckdb.sql(
        "select club, count(*), sum(running_km) from read_parquet(?, hive_partitioning = true) "
        "group by club order by club",
        params=[str(tmp_path / "out" / "mart_club_weekly" / "*" / "*.parquet")],
    ).fetchall()
    assert totals == [("harriers", 2, 95.5), ("striders", 1, 12.0)]


def test_an_unpublished_club_is_named_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="run `strongstride ingest` for club rovers"):
        export_marts(tmp_path / "serving.duckdb", tmp_path / "out", "rovers")


def test_export_parquet_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "clubs"
    published_club(root / "harriers", ["h1"], [40.0])
    monkeypatch.setenv("STRONGSTRIDE_FEDERATION", str(root))
    result = CliRunner().invoke(app, ["export-parquet", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "harriers: 2 marts written" in result.output
    assert (tmp_path / "out" / "mart_club_weekly" / "club=harriers" / "data.parquet").is_file()


def test_export_parquet_says_what_to_do_when_no_club_has_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRONGSTRIDE_FEDERATION", str(tmp_path))
    result = CliRunner().invoke(app, ["export-parquet", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "run `strongstride federation-ingest`" in result.output
