"""The pipeline reads the demo's app entries as truth.json says they were planted: every check-in entry
kept, the latest per athlete-week counted, the injury reports classified as the injuries they stand
for (so each athlete's running-related injuries match the truth exactly)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb


def test_app_entries_reach_the_models_as_planted(demo_home: Path) -> None:
    truth = json.loads((demo_home / "demo" / "truth.json").read_text())
    planted = truth["app_entries"]
    with duckdb.connect(str(demo_home / "warehouse.duckdb"), read_only=True) as con:

        def one(sql: str) -> object:
            return con.execute(sql).fetchone()[0]

        assert one("select count(*) from int_checkin_entries") == planted["checkin_documents"]
        assert (
            one("select count(*) from int_checkin_entries where supersedes is not null")
            == (planted["checkin_corrections"])
        )
        assert (
            one(
                "select count(*) from (select distinct athlete_id, week_start from int_ostrc_answers "
                "where source = 'app')"
            )
            == planted["checkin_weeks"]
        )
        assert (
            one("select min(week_start) from int_ostrc_answers where source = 'app'").isoformat()
            == planted["first_app_week_start"]
        )
        last_club_week = "select max(week_start) from int_ostrc_answers where source = 'club file'"
        assert one(last_club_week).isoformat() < planted["first_app_week_start"]
        reports = con.execute(
            "select count(*), count_if(running_related_injury) from int_injuries "
            "where source = 'app report'"
        ).fetchone()
        assert reports == (planted["injury_reports"], planted["running_related_injury_reports"])
        counted = dict(
            con.execute(
                "select athlete_id, count_if(running_related_injury) from int_injuries "
                "group by athlete_id"
            ).fetchall()
        )
    expected = {a: t["running_related_injuries"] for a, t in truth["athletes"].items()}
    assert {a: counted.get(a, 0) for a in expected} == expected
