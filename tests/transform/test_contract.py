"""The whole model graph on one tiny club: every mart of docs/MARTS.md with its columns, and the checks."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from pipelines.settings import SQL_ROOT
from pipelines.transform.checks import discover_checks
from pipelines.transform.runner import discover_models
from pipelines.transform.statistics import PYTHON_MODELS
from tests.transform import scenarios
from tests.transform.staging import STAGING_TABLES, insert, run

MARTS_DOC = Path(__file__).resolve().parents[2] / "docs" / "MARTS.md"
# written by the publish step
PUBLISHED_NOT_MODELLED = {"serving_meta", "serving_athlete_fingerprints", "mart_check_results"}
SCENARIOS = (
    scenarios.adherence_club,
    scenarios.injury_club,
    scenarios.load_club,
    scenarios.pace_club,
    scenarios.ostrc_club,
    scenarios.data_health,
    scenarios.app_entries_club,
    scenarios.assessment_club,
    scenarios.form_club,
    scenarios.strength_club,
)


def contract() -> dict[str, list[str]]:
    """Mart name -> contract columns, read from the table in docs/MARTS.md."""
    marts = {}
    for line in MARTS_DOC.read_text().splitlines():
        cells = [c.strip() for c in line.replace("\\|", "/").strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`"):
            name = cells[0].strip("`")
            columns = re.sub(r"\([^)]*\)", "", cells[2].replace("`", ""))
            marts[name] = [c.strip() for c in columns.split(",")]
    return marts


def test_contract_lists_the_marts() -> None:
    marts = contract()
    assert len(marts) == 40 and marts["mart_pace_trends"][-1] == "direction"


def test_every_mart_exists_with_its_contract_columns(club: duckdb.DuckDBPyConnection) -> None:
    for mart, columns in contract().items():
        if mart in PUBLISHED_NOT_MODELLED:
            continue
        have = {
            c
            for (c,) in club.sql(
                "select column_name from information_schema.columns where table_name = ?",
                params=[mart],
            ).fetchall()
        }
        assert have, f"{mart} was not built"
        assert not set(columns) - have, f"{mart} lacks {sorted(set(columns) - have)}"
        assert club.table(mart).shape[0] > 0, f"{mart} is empty"


def test_every_check_passes_on_clean_data(club: duckdb.DuckDBPyConnection) -> None:
    checks = discover_checks(SQL_ROOT / "checks")
    models = {m.name for m in discover_models(SQL_ROOT)} | {m.name for m in PYTHON_MODELS}
    assert len(checks) >= 19
    for check in checks:
        assert check.table in models | set(STAGING_TABLES), (
            f"{check.name} guards unknown {check.table}"
        )
        expected = "WARN" if check.table.startswith("mart_") else "ERROR"
        assert check.severity == expected, check.name
        offending = club.sql(check.sql).fetchall()
        assert offending == [], f"{check.name}: {offending[:3]}"


def failing(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple]:
    (check,) = [c for c in discover_checks(SQL_ROOT / "checks") if c.name == name]
    return con.sql(check.sql).fetchall()


def test_checks_catch_bad_rows(club: duckdb.DuckDBPyConnection) -> None:
    from datetime import date

    insert(club, "activities", [run("d1", date(2026, 2, 5), minutes=-3.0, name="broken")])
    assert len(failing(club, "activities_durations")) == 1
    insert(
        club, "activities", [run("d1", date(2026, 2, 5), name="broken")]
    )  # same activity_id again
    assert {row[-1] for row in failing(club, "activities_keys")} == {"duplicate key"}
    club.sql(
        "update mart_adherence_weekly set dose_adherence = 1.5 where week_start = '2026-01-05'"
    )
    assert len(failing(club, "mart_adherence_weekly_range")) == 4  # a1, a2, c1 and sp1
    club.sql(
        "update mart_injury_incidence set ci_high = rate_per_1000h / 2 where comparison = 'club'"
    )
    assert len(failing(club, "mart_injury_incidence_ci")) == 3
