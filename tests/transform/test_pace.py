"""Before/after GAP and pace trends on the hand-worked club in scenarios.pace_club."""

from __future__ import annotations

from datetime import date

import duckdb

from tests.transform import scenarios

SCENARIOS = (scenarios.pace_club,)


def test_before_after_windows(club: duckdb.DuckDBPyConnection) -> None:
    # Program week 1 = week of 03-02. Before = weeks of 01-19 .. 02-23: GAP 330, 320, 310 (the 01-12
    # run is one week too early) -> 320 over 3 weeks. After = weeks 7-12 (04-13 .. 05-18): 300, 310,
    # 290 -> 300 over 2 weeks; the duplicate copy, the ride and week 13 (05-26) stay out.
    row = club.sql("select * from mart_pace_before_after").pl().to_dicts()
    assert row == [
        {
            "athlete_id": "p1",
            "enrolment_start": date(2026, 3, 4),
            "gap_before_s_per_km": 320.0,
            "gap_after_s_per_km": 300.0,
            "change_s_per_km": -20.0,
            "weeks_before": 3,
            "weeks_after": 2,
            "runs_before": 3,
            "runs_after": 3,
        }
    ]


def test_trends_per_window(club: duckdb.DuckDBPyConnection) -> None:
    got = {
        (r["athlete_id"], r["trend_window"]): r
        for r in club.sql("select * from mart_pace_trends").pl().to_dicts()
    }
    assert set(got) == {
        ("p1", "last_12_weeks"),
        ("p1", "since_program_start"),
        ("p2", "last_12_weeks"),
    }
    # p2: GAP 360 - 2 k s/km in 8 consecutive weeks -> -8 s/km per 4 weeks, every pairwise slope equal.
    p2 = got[("p2", "last_12_weeks")]
    assert (p2["n_weeks"], p2["slope_s_per_km_per_4wk"], p2["ci_low"], p2["ci_high"]) == (
        8,
        -8.0,
        -8.0,
        -8.0,
    )
    assert p2["direction"] == "improving"
    # latest data week 05-25; last 12 weeks = 03-09 .. 05-25: p1 has runs in 3 of them.
    assert p2["window_start"] == date(2026, 3, 9) and p2["window_end"] == date(2026, 5, 25)
    p1 = got[("p1", "since_program_start")]
    assert (p1["n_weeks"], p1["direction"], p1["slope_s_per_km_per_4wk"]) == (
        3,
        "insufficient_data",
        None,
    )
    assert p1["window_start"] == date(2026, 3, 2)


def test_run_list_holds_canonical_runs_only(club: duckdb.DuckDBPyConnection) -> None:
    names = club.sql(
        "select name from mart_athlete_runs where athlete_id = 'p1' order by local_date"
    ).fetchall()
    assert [n for (n,) in names] == [f"r{i}" for i in range(8)]
