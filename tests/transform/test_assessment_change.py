"""Change per 12 weeks by adherence band (mart_assessment_change_by_band) on a club worked out by hand
(scenarios.assessment_change_club): slopes from the published torque formula, t-intervals from scipy."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest
from scipy import stats

from tests.transform import scenarios

SCENARIOS = (scenarios.assessment_change_club,)


def _t_interval(values: list[float]) -> tuple[float, float, float]:
    """mean -+ t(0.975, n - 1) x SD / sqrt(n)."""
    mean, sd = float(np.mean(values)), float(np.std(values, ddof=1))
    half = float(stats.t.ppf(0.975, len(values) - 1)) * sd / np.sqrt(len(values))
    return mean, mean - half, mean + half


def test_change_per_12_weeks_by_band(club: duckdb.DuckDBPyConnection) -> None:
    got = {
        (r["measure"], r["adherence_band"]): r
        for r in club.sql("select * from mart_assessment_change_by_band").pl().to_dicts()
    }
    # torque Nm/kg = best force x lever / mass, a session's mean of its sides.
    # a1: (156 x 0.8 / 60 + 144 x 0.8 / 60) / 2 = 2.00 -> (165 + 159) x 0.8 / 120 = 2.16, 56 days apart.
    a1 = (2.16 - 2.00) / 56 * 84
    # a2: 1.50, 1.56, 1.68 (93.75, 97.5, 105 N x 0.8 / 50) on days 0, 28, 70: least-squares slope x 84.
    a2 = float(np.polyfit([0, 28, 70], [1.50, 1.56, 1.68], 1)[0]) * 84
    # Adherence from the first session's week: a1 4 of 18 sessions, a2 8 of 22: both low.
    mean, low, high = _t_interval([a1, a2])
    torque = got[("torque_nm_kg", "low")]
    assert torque["athletes"] == 2
    assert torque["mean_change_per_12_weeks"] == pytest.approx(mean, abs=1e-9)
    assert (torque["ci_low"], torque["ci_high"]) == pytest.approx((low, high), abs=1e-4)
    assert torque["design"] == "observational"
    # a3 is not enrolled: (132 - 120) x 0.8 / 60 over 56 days; one athlete, no interval.
    alone = got[("torque_nm_kg", "not_enrolled")]
    assert alone["athletes"] == 1
    assert alone["mean_change_per_12_weeks"] == pytest.approx(12 * 0.8 / 60 / 56 * 84)
    assert alone["ci_low"] is None and alone["ci_high"] is None
    # good share: a1 0.5 -> 1.0 over 56 days; a2 0, 0.5, 1.0 on days 0, 28, 70.
    shares = [0.5 / 56 * 84, float(np.polyfit([0, 28, 70], [0.0, 0.5, 1.0], 1)[0]) * 84]
    mean, low, high = _t_interval(shares)
    good = got[("good_share", "low")]
    assert good["athletes"] == 2
    assert good["mean_change_per_12_weeks"] == pytest.approx(mean, abs=1e-9)
    assert (good["ci_low"], good["ci_high"]) == pytest.approx((low, high), abs=1e-4)
    assert set(got) == {
        ("torque_nm_kg", "low"),
        ("torque_nm_kg", "not_enrolled"),
        ("good_share", "low"),
    }
