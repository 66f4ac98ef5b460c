"""ACWR start-up on the smallest clubs that showed the artefact (scenarios.load_startup_club): a
steady load reads 1.0 from its first shown day, and no load-spike flag fires from the start-up."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest

from tests.transform import scenarios
from tests.transform.test_load import recurse

SCENARIOS = (scenarios.load_startup_club,)


def test_a_steady_load_reads_one_from_its_first_shown_day(club: duckdb.DuckDBPyConnection) -> None:
    weeks = club.sql(
        "select week_start, acwr, load_spike from mart_athlete_weekly "
        "where athlete_id = 't1' order by week_start"
    ).fetchall()
    assert [w[1] for w in weeks[:3]] == [None, None, None]  # days 7, 14, 21: hidden
    # day 28: both EWMAs started at the first week's mean, 50, and stayed there (from zero it was
    # (1 - 0.75^28) / (1 - (27/29)^28) = 1.157)
    assert weeks[3][0] == date(2026, 2, 9)
    assert weeks[3][1] == pytest.approx(1.0) and weeks[3][2] is False


def test_no_load_spike_flag_from_the_start_up(club: duckdb.DuckDBPyConnection) -> None:
    # s1's loads from Sunday 01-18: 100 on Sundays and Fridays, 0 otherwise; day 29 is Sunday 02-15.
    first = date(2026, 1, 18)
    loads = [
        100.0 if (first + timedelta(days=i)).isoweekday() in (5, 7) else 0.0 for i in range(29)
    ]
    seed = 200 / 7  # the first week (Sunday to Saturday) holds two runs
    seeded = recurse(loads, 2 / 8, seed)[-1] / recurse(loads, 2 / 29, seed)[-1]
    from_zero = recurse(loads, 2 / 8)[-1] / recurse(loads, 2 / 29)[-1]
    assert from_zero > 1.5 > seeded  # the start-up alone used to flag this steady runner
    latest = club.sql(
        "select acwr, load_spike from mart_athlete_weekly "
        "where athlete_id = 's1' and week_start = '2026-02-09'"
    ).fetchall()
    assert latest == [(pytest.approx(seeded), False)]
    assert club.sql("select * from mart_at_risk where reason = 'load_spike'").fetchall() == []
