"""Injury exposure, case attribution and incidence on the hand-worked club in scenarios.injury_club."""

from __future__ import annotations

import math

import duckdb
import pytest

from tests.transform import scenarios

SCENARIOS = (scenarios.injury_club,)


@pytest.fixture
def incidence(club: duckdb.DuckDBPyConnection) -> dict[tuple[str, str, str], dict]:
    return {
        (r["case_definition"], r["comparison"], r["group_label"]): r
        for r in club.sql("select * from mart_injury_incidence").pl().to_dicts()
    }


def test_every_definition_and_group_is_present(incidence: dict) -> None:
    assert len(incidence) == 18
    for definition in ("running_related_injury", "time_loss", "any_complaint"):
        for group in (
            ("club", "all"),
            ("adherence_band", "high"),
            ("adherence_band", "medium"),
            ("adherence_band", "low"),
            ("enrolment", "enrolled"),
            ("enrolment", "not enrolled"),
        ):
            assert (definition, *group) in incidence


def test_time_while_injured_is_not_at_risk(incidence: dict) -> None:
    # b1: 60 + 60 + 30 + 90 min; c1: 4 x 60 min. RRI: i2's window [03-19, 03-29) drops b1's 90 min.
    # time loss: i1's [03-05, 03-10) drops 03-05; 03-10 is at risk again. any complaint: both windows.
    hours = {
        d: incidence[(d, "club", "all")]["hours"]
        for d in ("running_related_injury", "time_loss", "any_complaint")
    }
    assert hours == pytest.approx(
        {"running_related_injury": 2.5 + 4, "time_loss": 3.0 + 4, "any_complaint": 1.5 + 4}
    )
    cases = {d: incidence[(d, "club", "all")]["cases"] for d in hours}
    assert cases == {"running_related_injury": 1, "time_loss": 1, "any_complaint": 3}


def test_club_rate_and_exact_ci(incidence: dict) -> None:
    row = incidence[("any_complaint", "club", "all")]
    assert row["rate_per_1000h"] == pytest.approx(3 / 5.5 * 1000)
    # Garwood, k = 3: 0.6186 .. 8.767 per unit time (published table), over 5.5 h, x 1000
    assert row["ci_low"] == pytest.approx(0.6186 / 5.5 * 1000, rel=1e-3)
    assert row["ci_high"] == pytest.approx(8.767 / 5.5 * 1000, rel=1e-3)
    assert row["ci_method"] == "exact Poisson (Garwood)"


def test_bands_use_adherence_four_weeks_before(incidence: dict) -> None:
    # c1's runs: 02-02 -> week 1 (1.0, high), 03-02 -> week 5 (0.8, medium), 03-09 -> week 6 (4/6, low);
    # 01-06 has no enrolled week four weeks earlier -> not enrolled. c1's complaint 03-11 -> low.
    band = {g: incidence[("any_complaint", "adherence_band", g)] for g in ("high", "medium", "low")}
    assert {g: (r["cases"], r["hours"]) for g, r in band.items()} == {
        "high": (0, 1.0),
        "medium": (0, 1.0),
        "low": (1, 1.0),
    }
    enrolled = incidence[("any_complaint", "enrolment", "enrolled")]
    not_enrolled = incidence[("any_complaint", "enrolment", "not enrolled")]
    assert (enrolled["cases"], enrolled["hours"]) == (1, 3.0)
    assert (not_enrolled["cases"], not_enrolled["hours"]) == (2, 2.5)


def test_irr_against_the_reference_with_exact_conditional_ci(incidence: dict) -> None:
    high = incidence[("any_complaint", "adherence_band", "high")]
    # a = 0 of a + b = 1: Clopper-Pearson (0, 0.975); IRR = (1 h / 1 h) * p / (1 - p) -> (0, 39)
    assert (high["irr"], high["irr_ci_low"], high["irr_ci_high"]) == pytest.approx((0.0, 0.0, 39.0))
    assert high["reference_group"] == "low" and high["ci_method"] == "exact conditional"
    low = incidence[("any_complaint", "adherence_band", "low")]
    assert low["irr"] == 1.0 and low["irr_ci_low"] is None
    enrolled = incidence[("any_complaint", "enrolment", "enrolled")]
    # (1 / 3 h) / (2 / 2.5 h); p = a/(a+b) = 1/3: lower bound solves 1 - (1-p)^3 = 0.025
    assert enrolled["irr"] == pytest.approx((1 / 3) / (2 / 2.5))
    p_low = 1 - 0.975 ** (1 / 3)
    assert enrolled["irr_ci_low"] == pytest.approx((2.5 / 3) * p_low / (1 - p_low), rel=1e-6)
    # upper bound p solves P(X <= 1 | n = 3, p) = (1-p)^3 + 3p(1-p)^2 = 0.025
    p_high = enrolled["irr_ci_high"] / (enrolled["irr_ci_high"] + 2.5 / 3)
    assert (1 - p_high) ** 3 + 3 * p_high * (1 - p_high) ** 2 == pytest.approx(0.025, abs=1e-9)
    assert not math.isnan(enrolled["irr_ci_high"])


def test_irr_cluster_bootstrap_ci_by_hand(incidence: dict) -> None:
    # any complaint, enrolled vs not: b1 brings (enrolled 0 cases in 0 h, not enrolled 2 in 1.5 h),
    # c1 (1 in 3 h, 0 in 1 h). Drawing b1 twice leaves no enrolled hours (undefined, dropped); c1
    # twice no reference case (IRR infinite); one of each (1/3) / (2/2.5) = 0.41667. So of the
    # defined replicates 2/3 are 0.41667 and 1/3 infinite: percentiles 0.41667 and unbounded.
    enrolled = incidence[("any_complaint", "enrolment", "enrolled")]
    assert enrolled["irr"] == pytest.approx((1 / 3) / (2 / 2.5))
    assert enrolled["irr_cluster_ci_low"] == pytest.approx((1 / 3) / (2 / 2.5))
    assert enrolled["irr_cluster_ci_high"] is None
    assert enrolled["cluster_ci_method"].startswith("athlete cluster bootstrap, percentile")
    # one athlete (c1) ran in the bands: no cluster to resample
    high = incidence[("any_complaint", "adherence_band", "high")]
    assert (high["irr_cluster_ci_low"], high["irr_cluster_ci_high"]) == (None, None)


def test_adjusted_ratios_say_why_they_are_not_estimable(club: duckdb.DuckDBPyConnection) -> None:
    rows = club.sql(
        "select group_label, irr, not_estimable from mart_injury_adjusted "
        "where case_definition = 'any_complaint' order by group_label"
    ).fetchall()
    reason = (
        "not estimable: only 1 athlete(s) ran while in an adherence band; "
        "athlete-clustered intervals need at least 10"
    )
    assert rows == [("high", None, reason), ("medium", None, reason)]
