"""OSTRC answers per body area: the weekly roll-up, prevalence by area and the same-area at-risk rule.

Answers are 2013 (1.0) codes scored by tests/transform/staging.ostrc: q1 and q4 0/8/17/25, q2 and q3
0/6/13/19/25; substantial = q2 or q3 code >= 2 or q1 code 3.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest

from tests.transform import scenarios
from tests.transform.staging import build_models, insert, ostrc

W4 = date(2026, 3, 16)
W3, W2, W1, W0 = (W4 - timedelta(weeks=n) for n in (1, 2, 3, 4))
AREAS = [{"area": "knee", "label": "Knee"}, {"area": "thigh", "label": "Thigh"}]


def _club(con: duckdb.DuckDBPyConnection, *ids: str) -> None:
    scenarios.athletes(con, *ids)
    insert(con, "ostrc_areas", [*AREAS, {"area": "lower_leg", "label": "Lower leg/Achilles"}])


@pytest.fixture
def one_week(warehouse: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    _club(warehouse, "p1", "p2", "p3")
    insert(
        warehouse,
        "ostrc_responses",
        [
            ostrc("p1", W4, 1, 1, 0, 1, area="knee"),  # 8 + 6 + 0 + 8 = 22, problem
            ostrc("p1", W4, 1, 2, 0, 1, area="lower_leg"),  # 8 + 13 + 0 + 8 = 29, substantial
            ostrc("p1", W4, 0, 0, 0, 0, area="thigh"),  # no problem
            ostrc("p2", W4, 0, 0, 0, 0, area="knee"),
            ostrc("p2", W4, 0, 0, 0, 0, area="thigh"),
            ostrc("p3", W4, 1, 0, 0, 1),  # whole body ('all'): 16, problem
        ],
    )
    build_models(warehouse)
    return warehouse


def test_athlete_week_rolls_up_its_areas(one_week: duckdb.DuckDBPyConnection) -> None:
    got = one_week.sql(
        "select athlete_id, severity, problem, substantial_problem, q1, q2, q3, q4, worst_area, "
        "areas_answered, areas_with_problem, areas_with_substantial_problem "
        "from mart_athlete_ostrc order by athlete_id"
    ).fetchall()
    assert got == [
        ("p1", 29, True, True, 1, 2, 0, 1, "lower_leg", 3, 2, 1),
        ("p2", 0, False, False, 0, 0, 0, 0, "knee", 2, 0, 0),  # a tie: the first area by code
        ("p3", 16, True, False, 1, 0, 0, 1, "all", 1, 1, 0),
    ]
    weekly = one_week.sql(
        "select respondents, any_problem, substantial_problem, prevalence_any from mart_ostrc_weekly"
    ).fetchall()
    assert weekly == [(3, 2, 1, pytest.approx(2 / 3))]


def test_prevalence_by_area_with_wilson_ci(one_week: duckdb.DuckDBPyConnection) -> None:
    rows = {
        r["area"]: r for r in one_week.sql("select * from mart_ostrc_area_weekly").pl().to_dicts()
    }
    assert {
        a: (r["respondents"], r["any_problem"], r["substantial_problem"]) for a, r in rows.items()
    } == {
        "all": (1, 1, 0),
        "knee": (2, 1, 0),
        "lower_leg": (1, 1, 1),
        "thigh": (2, 0, 0),
    }
    assert rows["lower_leg"]["area_label"] == "Lower leg/Achilles"
    assert rows["all"]["area_label"] == "Whole body"
    # Wilson 1/2 by hand: centre (.5 + z^2/4)/(1 + z^2/2) = .5, half z sqrt(1/8 + z^2/16)/(1 + z^2/2)
    knee = rows["knee"]
    assert knee["prevalence_any"] == 0.5
    assert (knee["any_ci_low"], knee["any_ci_high"]) == pytest.approx(
        (0.094531, 0.905469), abs=1e-6
    )
    # 1/1: centre (1 + z^2/2)/(1 + z^2) = .603273, half (z^2/2)/(1 + z^2) = .396727; high exactly 1
    leg = rows["lower_leg"]
    assert (leg["substantial_ci_low"], leg["substantial_ci_high"]) == (
        pytest.approx(0.206549, abs=1e-6),
        1.0,
    )
    # 0/2: (0, z^2/(2 + z^2))
    thigh = rows["thigh"]
    assert (thigh["any_ci_low"], thigh["any_ci_high"]) == (0.0, pytest.approx(0.657620, abs=1e-6))
    assert knee["ci_method"] == "Wilson score"
    checks = dict(
        one_week.sql(
            "select check_name, passed from check_results where check_name like 'mart_ostrc_area%'"
        ).fetchall()
    )
    assert checks == {"mart_ostrc_area_weekly_ci": True}


PROBLEM = (1, 0, 0, 1)  # a problem, not substantial (so substantial_ostrc stays quiet)
NONE = (0, 0, 0, 0)


def test_a_problem_in_the_same_area_three_weeks_running(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    _club(warehouse, *(f"r{i}" for i in range(1, 8)))
    answers = {
        "r1": [(W2, "knee", PROBLEM), (W3, "knee", PROBLEM), (W4, "knee", PROBLEM)],  # yes
        # a week without an answer breaks the run
        "r2": [(W1, "knee", PROBLEM), (W2, "knee", PROBLEM), (W4, "knee", PROBLEM)],
        # three problem weeks, but not in the same area
        "r3": [(W2, "knee", PROBLEM), (W3, "thigh", PROBLEM), (W4, "knee", PROBLEM)],
        # a run ending in W3 (inside the latest 2 weeks), answered W4 without a problem: yes, as of W3
        "r4": [(W1, "knee", PROBLEM), (W2, "knee", PROBLEM), (W3, "knee", PROBLEM)]
        + [(W4, "knee", NONE)],
        # a run ending in W2, before the latest 2 weeks of answers (W3, W4): no
        "r5": [(W0, "knee", PROBLEM), (W1, "knee", PROBLEM), (W2, "knee", PROBLEM)],
        # the whole body ('all') is not an area
        "r6": [(W2, "all", PROBLEM), (W3, "all", PROBLEM), (W4, "all", PROBLEM)],
        # two areas at once: one row naming both
        "r7": [(w, a, PROBLEM) for w in (W2, W3, W4) for a in ("knee", "thigh")],
    }
    insert(
        warehouse,
        "ostrc_responses",
        [
            ostrc(athlete, week, *codes, area=area)
            for athlete, rows in answers.items()
            for week, area, codes in rows
        ],
    )
    build_models(warehouse)
    got = warehouse.sql(
        "select athlete_id, detail, as_of from mart_at_risk where reason = 'same_area_3_weeks' "
        "order by athlete_id"
    ).fetchall()
    assert got == [
        (
            "r1",
            "OSTRC problem in the same area 3 weeks running (Knee): weeks of 2026-03-02, "
            "2026-03-09 and 2026-03-16, each answered with a problem there",
            W4,
        ),
        (
            "r4",
            "OSTRC problem in the same area 3 weeks running (Knee): weeks of 2026-02-23, "
            "2026-03-02 and 2026-03-09, each answered with a problem there",
            W3,
        ),
        (
            "r7",
            "OSTRC problem in the same area 3 weeks running (Knee, Thigh): weeks of 2026-03-02, "
            "2026-03-09 and 2026-03-16, each answered with a problem there",
            W4,
        ),
    ]
    assert warehouse.sql("select count(*) from mart_at_risk").fetchall() == [(3,)]
