"""The models over app entries, on scenarios.app_entries_club, every number worked out by hand."""

from __future__ import annotations

from datetime import date

import duckdb

from tests.transform import scenarios

SCENARIOS = (scenarios.app_entries_club,)


def test_a_correction_supersedes_and_is_late_after_the_deadline(
    club: duckdb.DuckDBPyConnection,
) -> None:
    # week of 2 March: on time until the end of Wednesday 11 March (2 March + 6 + 3 grace days)
    assert club.sql(
        "select entry_id, superseded_by, late from mart_checkin_entries order by entered_at"
    ).fetchall() == [("A", "B", False), ("B", None, True), ("C", None, False)]
    assert club.sql(
        "select week_start, source, late, app_entries from mart_checkin_weeks order by week_start"
    ).fetchall() == [(date(2026, 3, 2), "app", True, 2), (date(2026, 3, 9), "app", False, 1)]


def test_the_latest_entry_of_a_week_is_the_answer_that_counts(
    club: duckdb.DuckDBPyConnection,
) -> None:
    assert club.sql(
        "select week_start, severity, substantial_problem, worst_area from mart_athlete_ostrc "
        "order by week_start"
    ).fetchall() == [
        (date(2026, 3, 2), 59, True, "knee"),
        (date(2026, 3, 9), 33, True, "knee"),  # Q3 17 = moderate: substantial
    ]


def test_problems_and_the_follow_up_queue(club: duckdb.DuckDBPyConnection) -> None:
    assert club.sql(
        "select athlete_id, problem_id, first_date, last_date, max_severity, problem_type, "
        "needs_follow_up from mart_problems order by athlete_id"
    ).fetchall() == [
        # two answered weeks with a knee problem: one episode, from its first week, unclassified
        ("f1", "ostrc:knee:2026-03-02", date(2026, 3, 2), date(2026, 3, 9), 59, None, True),
        ("f2", "report:R", date(2026, 3, 4), date(2026, 3, 4), None, "injury", False),
    ]


def test_a_classified_report_meets_the_injury_definitions(club: duckdb.DuckDBPyConnection) -> None:
    # 4 -> 14 March: 10 days affected, 3 without running (the classification), 7 reduced;
    # knee is lower limb and 3 + 7 >= 7 days: a running-related injury (Yamato 2015), time loss
    assert club.sql(
        "select athlete_id, source, stopped_days, modified_days, running_related_injury, "
        "time_loss, at_risk_again_date from mart_athlete_injuries"
    ).fetchall() == [("f2", "app report", 3, 7, True, True, date(2026, 3, 14))]
