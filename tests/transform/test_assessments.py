"""The assessment models on scenarios.assessment_club, every number worked out by hand from the
published formulas (docs/ASSESSMENTS.md, METRICS.md "Assessments")."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from tests.transform import scenarios

SCENARIOS = (scenarios.assessment_club,)


def value(club: duckdb.DuckDBPyConnection, session: str, test: str, measure: str, side: str):
    (row,) = club.sql(
        "select value from int_assessment_values "
        "where session_id = ? and test = ? and measure = ? and side = ?",
        params=[session, test, measure, side],
    ).fetchall()
    return row[0]


def result(club: duckdb.DuckDBPyConnection, session: str, measure: str, side: str, *columns: str):
    (row,) = club.sql(
        f"select {', '.join(columns)} from mart_assessment_results "  # noqa: S608 (test's own names)
        "where session_id = ? and measure = ? and side = ?",
        params=[session, measure, side],
    ).fetchall()
    return row


def test_a_correction_replaces_only_a_session_of_the_same_athlete(
    club: duckdb.DuckDBPyConnection,
) -> None:
    # B2 corrects t2's B1; E1, t3's entry, names t1's A1, which stays (and a rebuild of t3 alone,
    # as an incremental night does, could not have removed it)
    sessions = club.sql(
        "select distinct athlete_id, session_id from int_assessment_values order by all"
    ).fetchall()
    assert sessions == [("t1", "A1"), ("t1", "A2"), ("t2", "B2"), ("t2", "C1"), ("t3", "D1")]


def test_trials_combine_as_the_catalogue_says(club: duckdb.DuckDBPyConnection) -> None:
    # force: best of 190, 200, 195, 198; FPPA: mean of 10, 12, 14; reach: best of 58, 60
    assert value(club, "A1", "hip_abduction_hhd", "force_n", "left") == 200.0
    assert value(club, "A1", "single_leg_squat", "fppa_deg", "left") == 12.0
    assert value(club, "A1", "y_balance", "anterior_cm", "left") == 60.0


def test_derived_measures_from_the_published_formulas(club: duckdb.DuckDBPyConnection) -> None:
    # torque = 200 N x 0.8 m / 64 kg = 2.5 Nm/kg; right 112 x 0.8 / 64 = 1.4
    assert value(club, "A1", "hip_abduction_hhd", "torque_nm_kg", "left") == pytest.approx(2.5)
    assert value(club, "A1", "hip_abduction_hhd", "torque_nm_kg", "right") == pytest.approx(1.4)
    # Y-balance composite = (60 + 100 + 95) / (3 x 85) x 100 = 100.0%
    assert value(club, "A1", "y_balance", "composite_pct", "left") == pytest.approx(100.0)
    # LSI = weaker / stronger x 100: hop 150 / 170 = 88.2%; torque 1.4 / 2.5 = 56%
    assert value(club, "A1", "single_hop", "lsi_pct", "both") == pytest.approx(88.235, abs=1e-3)
    assert value(club, "A1", "hip_abduction_hhd", "lsi_pct", "both") == pytest.approx(56.0)
    assert value(club, "D1", "side_bridge", "lsi_pct", "both") == pytest.approx(100.0)
    # good share: left good, right poor = 1 of 2 sides; A2 rated only the right, fair = 0 of 1
    assert value(club, "A1", "single_leg_squat", "good_share", "both") == pytest.approx(0.5)
    assert value(club, "A2", "single_leg_squat", "good_share", "both") == pytest.approx(0.0)


def test_a_superseded_session_is_dropped(club: duckdb.DuckDBPyConnection) -> None:
    sessions = club.sql(
        "select distinct session_id from int_assessment_values where athlete_id = 't2' order by 1"
    ).fetchall()
    assert sessions == [("B2",), ("C1",)]  # B1 (250 N) was corrected by B2


def test_real_change_beyond_noise(club: duckdb.DuckDBPyConnection) -> None:
    columns = ("change", "change_pct", "real_change_abs", "beyond_noise", "direction")
    # 200 -> 212 N: +6%, beyond the 5% (10 N) test noise
    assert result(club, "A2", "force_n", "left", *columns) == pytest.approx(
        (12.0, 6.0, 10.0, True, "better")
    )
    # 200 -> 208 N: +4%, within it
    assert result(club, "B2", "force_n", "left", *columns) == pytest.approx(
        (8.0, 4.0, 10.0, False, "within_noise")
    )
    # 112 -> 106 N: -5.36%, beyond 5.6 N: worse; torque 1.4 -> 1.325 Nm/kg, beyond 0.07
    change, pct, noise, beyond, direction = result(club, "A2", "force_n", "right", *columns)
    assert (change, noise, beyond, direction) == (-6.0, pytest.approx(5.6), True, "worse")
    assert pct == pytest.approx(-6 / 112 * 100)
    assert result(club, "A2", "torque_nm_kg", "right", *columns) == pytest.approx(
        (-0.075, -6 / 112 * 100, 0.07, True, "worse")
    )
    # a rating: poor -> fair is one level nearer the best
    assert result(club, "A2", "overall", "right", "baseline_level", "level", "direction") == (
        "poor",
        "fair",
        "better",
    )
    # context has no verdict
    assert result(club, "A2", "lever_arm_m", "left", "beyond_noise", "direction") == (None, None)


def test_the_baseline_and_a_change_of_assessor(club: duckdb.DuckDBPyConnection) -> None:
    assert result(club, "A2", "force_n", "left", "baseline_on", "baseline_value") == (
        date(2026, 1, 5),
        200.0,
    )
    assert result(club, "A2", "force_n", "left", "assessor_changed", "previous_assessor") == (
        True,
        "Sam",
    )
    assert result(club, "B2", "force_n", "left", "assessor_changed") == (False,)


def test_the_ramskov_norm_for_break_test_torque(club: duckdb.DuckDBPyConnection) -> None:
    # a 30-year-old man (born 1996, assessed 2026): 1.600 - 0.005 x 30 + 0.215 = 1.665, SD 0.354;
    # z for 1.4 Nm/kg = (1.4 - 1.665) / 0.354 = -0.749
    predicted, sd, z = result(
        club, "A1", "torque_nm_kg", "right", *("norm_predicted", "norm_sd", "norm_z")
    )
    assert (predicted, sd) == (pytest.approx(1.665), pytest.approx(0.354))
    assert z == pytest.approx(-0.7486, abs=1e-4)
    # a make test, and an athlete without sex or birth year: no norm
    assert result(club, "B2", "torque_nm_kg", "left", "norm_predicted", "norm_z") == (None, None)


def test_the_latest_value_of_each_test_measure_and_side(club: duckdb.DuckDBPyConnection) -> None:
    rows = club.sql(
        "select athlete_id, display_name, measure, side, assessed_on, value, level "
        "from mart_assessment_latest where measure in ('force_n', 'overall') "
        "order by athlete_id, measure, side"
    ).fetchall()
    # t1: A2 (2 Mar) re-tested hip force on both sides (best 212; 106) and rated only the right
    # squat (fair); the left squat's latest is A1's (5 Jan) good. t2: B2 (9 Mar, 208 N) is later
    # than C1 (5 Jan, 200 N); the superseded B1 (250 N) is not a value at all.
    assert rows == [
        ("t1", "Tom", "force_n", "left", date(2026, 3, 2), 212.0, None),
        ("t1", "Tom", "force_n", "right", date(2026, 3, 2), 106.0, None),
        ("t1", "Tom", "overall", "left", date(2026, 1, 5), None, "good"),
        ("t1", "Tom", "overall", "right", date(2026, 3, 2), None, "fair"),
        ("t2", "Tess", "force_n", "left", date(2026, 3, 9), 208.0, None),
    ]


def test_status_no_baseline_due_or_current(club: duckdb.DuckDBPyConnection) -> None:
    # data to 2026-03-16; re-test 8 weeks = 56 days after the last session
    assert club.sql(
        "select athlete_id, baseline_on, last_assessed_on, retest_due_on, status "
        "from mart_assessment_status order by athlete_id"
    ).fetchall() == [
        ("t1", date(2026, 1, 5), date(2026, 3, 2), date(2026, 4, 27), "current"),
        ("t2", date(2026, 1, 5), date(2026, 3, 9), date(2026, 5, 4), "current"),
        ("t3", date(2026, 1, 5), date(2026, 1, 5), date(2026, 3, 2), "due"),
        ("t4", None, None, None, "no_baseline"),
    ]


def test_a_worsened_assessment_puts_the_athlete_at_risk(club: duckdb.DuckDBPyConnection) -> None:
    ((athlete, detail, as_of),) = club.sql(
        "select athlete_id, detail, as_of from mart_at_risk where reason = 'assessment_worsened'"
    ).fetchall()
    assert (athlete, as_of) == ("t1", date(2026, 3, 2))
    assert detail == (
        "Assessment worsened beyond noise: Hip abduction strength (hand-held dynamometer) Force "
        "right 106 N vs 112 at baseline 2026-01-05 (test noise 5.6); Hip abduction strength "
        "(hand-held dynamometer) Torque per body mass right 1.33 Nm/kg vs 1.4 at baseline "
        "2026-01-05 (test noise 0.07)"
    )


def test_the_catalogue_mart_lists_entered_and_derived_measures(
    club: duckdb.DuckDBPyConnection,
) -> None:
    assert club.sql(
        "select measure, unit, derived, derived_from from mart_assessment_catalog "
        "where test = 'hip_abduction_hhd' order by display_order"
    ).fetchall() == [
        ("force_n", "N", False, None),
        ("lever_arm_m", "m", False, None),
        ("mode", "level", False, None),
        ("position", "level", False, None),
        ("torque_nm_kg", "Nm/kg", True, "force_n"),
        ("lsi_pct", "%", True, "torque_nm_kg"),
    ]
