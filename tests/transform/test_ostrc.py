"""OSTRC-O2 weekly prevalence and its mean, on the small example in scenarios.ostrc_club."""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pytest

from pipelines.parsers.club.ostrc import parse_ostrc
from pipelines.settings import Thresholds
from tests.transform import scenarios
from tests.transform.staging import build_models, insert

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
    assert (got["any_problem"]["athletes"], got["any_problem"]["athlete_weeks"]) == (4, 9)


# Each athlete's weeks (03-02, 03-09, 03-16): None = not answered, else (any, substantial) problem
ANSWERS = {
    "o1": [(False, False), (False, False), (False, False)],
    "o2": [(True, False), (True, True), (False, False)],
    "o3": [(True, True), None, (False, False)],
    "o4": [(True, True), None, None],
}


def _mean_weekly_prevalence(drawn: list[str], measure: int) -> float:
    """Mean over weeks anyone drawn answered of the share of drawn answers with a problem."""
    shares = []
    for week in range(3):
        answers = [ANSWERS[a][week] for a in drawn if ANSWERS[a][week] is not None]
        if answers:
            shares.append(sum(answer[measure] for answer in answers) / len(answers))
    return sum(shares) / len(shares)


def test_mean_prevalence_ci_is_an_athlete_cluster_bootstrap(
    club: duckdb.DuckDBPyConnection,
) -> None:
    # By hand: draw 4 athletes with replacement (the same draws: default_rng(seed).integers over
    # the athletes in id order), recompute each week's prevalence from the drawn athletes' answers,
    # average the weeks; 2.5% and 97.5% percentiles (inverted CDF) of the replicates.
    thresholds = Thresholds()
    draws = np.random.default_rng(thresholds.bootstrap_seed).integers(
        0, 4, size=(thresholds.bootstrap_replicates, 4)
    )
    athletes = sorted(ANSWERS)
    got = {r["measure"]: r for r in club.sql("select * from mart_ostrc_summary").pl().to_dicts()}
    for measure, index in (("any_problem", 0), ("substantial_problem", 1)):
        replicates = [_mean_weekly_prevalence([athletes[i] for i in row], index) for row in draws]
        low, high = np.quantile(replicates, [0.025, 0.975], method="inverted_cdf")
        row = got[measure]
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high), rel=1e-12)
        assert row["ci_method"] == (
            f"athlete cluster bootstrap, percentile, {thresholds.bootstrap_replicates} "
            f"replicates (seed {thresholds.bootstrap_seed})"
        )


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


def test_versions_pass_through_to_the_marts(warehouse: duckdb.DuckDBPyConnection) -> None:
    # Answers as the parser stores them: v1 and v2 answer 2.0 in week 03-16, v3 the 2013 1.0.
    responses, errors = parse_ostrc(
        b"athlete_id,week_start,instrument_version,q1,q2,q3,q4\n"
        b"v1,2026-03-09,2.0,0,,,\n"
        b"v1,2026-03-16,2.0,1,2,1,1\n"
        b"v2,2026-03-16,2.0,3,,,\n"
        b"v3,2026-03-16,1.0,1,2,1,1\n",
        {"v1", "v2", "v3"},
    )
    assert errors == []
    scenarios.athletes(warehouse, "v1", "v2", "v3")
    insert(warehouse, "ostrc_responses", responses.to_dicts())
    build_models(warehouse)
    athlete = warehouse.sql(
        "select athlete_id, week_start, instrument_version, severity, substantial_problem "
        "from mart_athlete_ostrc order by athlete_id, week_start"
    ).fetchall()
    assert athlete == [
        ("v1", date(2026, 3, 9), "2.0", 0, False),
        ("v1", date(2026, 3, 16), "2.0", 8 + 17 + 8 + 8, True),
        ("v2", date(2026, 3, 16), "2.0", 100, True),
        ("v3", date(2026, 3, 16), "1.0", 8 + 13 + 6 + 8, True),
    ]
    weekly = warehouse.sql(
        "select week_start, respondents, instrument_versions from mart_ostrc_weekly "
        "order by week_start"
    ).fetchall()
    assert weekly == [(date(2026, 3, 9), 1, "2.0"), (date(2026, 3, 16), 3, "1.0, 2.0")]
