"""OSTRC-O2 weekly prevalence and its mean, on the small example in scenarios.ostrc_club."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from tests.transform import scenarios

SCENARIOS = (scenarios.ostrc_club,)


def test_weekly_prevalence_with_wilson_ci(club: duckdb.DuckDBPyConnection) -> None:
    weeks = club.sql("select * from mart_ostrc_weekly order by week_start").pl().to_dicts()
    assert [(w["respondents"], w["any_problem"], w["substantial_problem"]) for w in weeks] == [
        (4, 3, 2),
        (2, 1, 1),
        (3, 0, 0),
    ]
    first = weeks[0]
    assert first["prevalence_any"] == 0.75 and first["prevalence_substantial"] == 0.5
    # Wilson 3/4 by hand: centre (.75 + z^2/8)/(1 + z^2/4) = .627527, half .326886
    assert (first["any_ci_low"], first["any_ci_high"]) == pytest.approx(
        (0.300641, 0.954413), abs=1e-5
    )
    # 0/3: (0, z^2/(3 + z^2)) = (0, .561497)
    assert (weeks[2]["any_ci_low"], weeks[2]["any_ci_high"]) == (
        0.0,
        pytest.approx(0.561497, abs=1e-6),
    )
    assert first["ci_method"] == "Wilson score"


def test_mean_weekly_prevalence(club: duckdb.DuckDBPyConnection) -> None:
    got = {r["measure"]: r for r in club.sql("select * from mart_ostrc_summary").pl().to_dicts()}
    assert got["any_problem"]["weeks"] == 3
    assert got["any_problem"]["mean_weekly_prevalence"] == pytest.approx((0.75 + 0.5 + 0) / 3)
    assert got["substantial_problem"]["mean_weekly_prevalence"] == pytest.approx(
        (0.5 + 0.5 + 0) / 3
    )
    # t(2) = 4.3027, SD .3819 -> mean +- .949: clipped to the possible range
    assert (got["any_problem"]["ci_low"], got["any_problem"]["ci_high"]) == (0.0, 1.0)


def test_recent_substantial_problem_puts_athlete_at_risk(club: duckdb.DuckDBPyConnection) -> None:
    # latest answers are for 03-16; the last 2 weeks are 03-09 and 03-16: o2 (03-09, q3 code 3 = 19
    # points); o3 and o4's substantial problems were in 03-02.
    got = club.sql("select athlete_id, reason, detail, as_of from mart_at_risk").fetchall()
    assert got == [
        (
            "o2",
            "substantial_ostrc",
            "Substantial OSTRC problem in week of 2026-03-09 (severity 19 of 100)",
            date(2026, 3, 9),
        )
    ]
