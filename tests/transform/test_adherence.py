"""Program adherence on a tiny program whose counts are worked out by hand (see scenarios.adherence_club)."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from tests.transform import scenarios
from tests.transform.staging import build_models

SCENARIOS = (scenarios.adherence_club,)


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    return con.sql(sql).pl().to_dicts()


def test_weekly_session_and_dose_adherence(club: duckdb.DuckDBPyConnection) -> None:
    got = rows(
        club,
        "select week_start, program_week, phase_name, prescribed_sessions, counted_sessions, "
        "session_adherence, dose_adherence, single_leg_share from mart_adherence_weekly "
        "where athlete_id = 'a1' order by week_start",
    )
    # week 1: s2 lacks glute_max (its only glute_max set is a warm-up) -> 1 of 2; sets med_min 5 (cap 4)
    #   + max 2 of 4 -> 6/8. week 2: 3 counted, capped -> 1.0; sets 3 + 3 of 4 + 4 -> 6/8.
    # week 3 (functional): s6 has single-leg deadlifts (single_leg + glute_max) -> counts; sets
    #   single_leg 2 of 4 + glute_max 2 of 2 -> 4/6; share 2 single-leg / 2 glute sets (the unmapped
    #   set is neither). week 4: after the last phase, functional continues; nothing logged.
    assert [(r["program_week"], r["phase_name"], r["counted_sessions"]) for r in got] == [
        (1, "activation", 1),
        (2, "activation", 3),
        (3, "functional", 1),
        (4, "functional", 0),
    ]
    assert [r["week_start"] for r in got] == [
        date(2026, 1, 5),
        date(2026, 1, 12),
        date(2026, 1, 19),
        date(2026, 1, 26),
    ]
    assert [r["session_adherence"] for r in got] == pytest.approx([0.5, 1.0, 0.5, 0.0])
    assert [r["dose_adherence"] for r in got] == pytest.approx([6 / 8, 6 / 8, 4 / 6, 0.0])
    assert [r["single_leg_share"] for r in got[:3]] == pytest.approx([0.0, 0.0, 1.0])
    assert got[3]["single_leg_share"] is None


def test_session_without_a_required_category_does_not_count(
    club: duckdb.DuckDBPyConnection,
) -> None:
    got = {
        r["session_id"]: r
        for r in rows(club, "select * from mart_strength_sessions where athlete_id in ('a1', 'a3')")
    }
    assert got["s1"]["counted"] is True and got["s2"]["counted"] is False
    assert got["s2"]["sets"] == 3  # the warm-up set is not a working set
    assert (
        got["s6"]["sets"] == 3
        and got["s6"]["glute_sets"] == 2
        and got["s6"]["single_leg_sets"] == 2
    )
    assert got["u1"]["counted"] is None  # a3 is not enrolled


def test_cumulative_band_and_falling_behind(club: duckdb.DuckDBPyConnection) -> None:
    got = {r["athlete_id"]: r for r in rows(club, "select * from mart_adherence_athlete")}
    a1, a2 = got["a1"], got["a2"]
    # a1: credited 1 + 2 + 1 + 0 = 4 of 8 prescribed; dose credited 6 + 6 + 4 + 0 of 8 + 8 + 6 + 6.
    assert a1["enrolled_weeks"] == 4
    assert a1["cumulative_session_adherence"] == pytest.approx(0.5)
    assert a1["dose_adherence"] == pytest.approx(16 / 28)
    assert a1["adherence_band"] == "low" and a1["current_phase"] == "functional"
    assert a1["reached_single_leg"] is True
    assert a1["last4_session_adherence"] == pytest.approx(0.5) and a1["falling_behind"] is True
    assert (
        a2["cumulative_session_adherence"] == pytest.approx(1.0) and a2["adherence_band"] == "high"
    )
    assert a2["falling_behind"] is False and a2["reached_single_leg"] is True
    assert "a3" not in got
    cumulative = rows(
        club,
        "select cumulative_session_adherence as c, adherence_band as band from mart_adherence_weekly "
        "where athlete_id = 'a1' order by week_start",
    )
    assert [(r["c"], r["band"]) for r in cumulative] == [
        (pytest.approx(0.5), "low"),
        (pytest.approx(0.75), "medium"),  # 3/4 >= 0.74
        (pytest.approx(4 / 6), "low"),
        (pytest.approx(0.5), "low"),
    ]
    at_risk = rows(club, "select * from mart_at_risk")
    assert [(r["athlete_id"], r["reason"]) for r in at_risk] == [("a1", "adherence_drop")]
    assert at_risk[0]["detail"] == (
        "Session adherence 50% over the last 4 weeks, below 74% for the low band (cumulative 50%)"
    )


def test_bands_follow_the_settings_table(warehouse: duckdb.DuckDBPyConnection) -> None:
    scenarios.adherence_club(warehouse)
    warehouse.sql("update settings set adherence_medium = 0.5")
    build_models(warehouse)
    got = rows(
        warehouse, "select adherence_band from mart_adherence_athlete where athlete_id = 'a1'"
    )
    assert got == [{"adherence_band": "medium"}]


def test_phase_summary_and_what_is_due(club: duckdb.DuckDBPyConnection) -> None:
    by_phase = rows(club, "select * from mart_adherence_by_phase order by program_week")
    assert [(r["phase_name"], r["program_week"], r["athletes"]) for r in by_phase] == [
        ("activation", 1, 2),
        ("activation", 2, 2),
        ("functional", 3, 2),
        ("functional", 4, 2),
    ]
    assert [r["median_session_adherence"] for r in by_phase] == pytest.approx(
        [0.75, 1.0, 0.75, 0.5]
    )
    due = rows(
        club,
        "select category, sets_prescribed, sets_done, sessions_prescribed, sessions_counted "
        "from mart_program_due where athlete_id = 'a2' order by category",
    )
    # a2's week 4 (functional, after the last phase): two sessions of single-leg deadlifts.
    assert due == [
        {
            "category": "glute_max",
            "sets_prescribed": 2,
            "sets_done": 2,
            "sessions_prescribed": 2,
            "sessions_counted": 2,
        },
        {
            "category": "single_leg",
            "sets_prescribed": 4,
            "sets_done": 2,
            "sessions_prescribed": 2,
            "sessions_counted": 2,
        },
    ]
