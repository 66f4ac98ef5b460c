"""The week in progress is left out of adherence until it ends (scenarios.steady_adherence_club): a
Tuesday does not lower a steady athlete's adherence, and the club's latest-week median is not 0 on a
Monday."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from tests.transform import scenarios
from tests.transform.staging import build_models

TUESDAY, MONDAY = date(2026, 3, 24), date(2026, 3, 23)


def built(warehouse: duckdb.DuckDBPyConnection, last_day: date) -> duckdb.DuckDBPyConnection:
    scenarios.steady_adherence_club(warehouse, last_day)
    build_models(warehouse)
    return warehouse


def test_a_tuesday_does_not_lower_a_steady_athletes_adherence(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    con = built(warehouse, TUESDAY)
    weeks = con.sql(
        "select week_start, week_complete, counted_sessions, session_adherence, dose_adherence, "
        "cumulative_session_adherence, adherence_band from mart_adherence_weekly "
        "where athlete_id = 'b1' order by week_start"
    ).fetchall()
    # three ended weeks of 2 of 2 sessions (4 of 4 sets); the week of 03-23 has run 2 days of 7.
    # Counted in full it read 0 this week and 6 / 8 = 75% (medium) to date.
    assert weeks == [
        (date(2026, 3, 2), True, 2, 1.0, 1.0, 1.0, "high"),
        (date(2026, 3, 9), True, 2, 1.0, 1.0, 1.0, "high"),
        (date(2026, 3, 16), True, 2, 1.0, 1.0, 1.0, "high"),
        (date(2026, 3, 23), False, 0, None, None, 1.0, "high"),
    ]
    athlete = con.sql(
        "select enrolled_weeks, completed_weeks, cumulative_session_adherence, dose_adherence, "
        "adherence_band, last4_session_adherence, falling_behind from mart_adherence_athlete "
        "where athlete_id = 'b1'"
    ).fetchall()
    assert athlete == [(4, 3, 1.0, 1.0, "high", 1.0, False)]
    assert con.sql("select * from mart_at_risk").fetchall() == []


def test_the_clubs_latest_week_median_is_not_zero_on_a_monday(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    con = built(warehouse, MONDAY)
    weeks = con.sql(
        "select week_start, week_complete, enrolled_athletes, median_session_adherence "
        "from mart_club_weekly where week_start >= '2026-03-16' order by week_start"
    ).fetchall()
    # both athletes did 2 of 2 in the week of 03-16; the week of 03-23 is on its first day
    assert weeks == [
        (date(2026, 3, 16), True, 2, pytest.approx(1.0)),
        (date(2026, 3, 23), False, 2, None),
    ]
    phases = con.sql(
        "select program_week, athletes, median_session_adherence from mart_adherence_by_phase "
        "order by program_week"
    ).fetchall()
    assert phases == [(1, 2, 1.0), (2, 2, 1.0), (3, 2, 1.0)]
