"""Assessment words and charts from hand-made mart rows: the change sentence against the test's
noise, the real-change band around the baseline, and the assessor-changed mark."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from dashboard.charts.assessments import ASSESSOR_CHANGED, assessment_trend
from dashboard.formatting import assessment_change_sentence

HHD = "hip abduction strength"


def retest(change: float, baseline: float, **overrides: object) -> dict:
    """A mart_assessment_results re-test row: HHD torque, real change 5% of the baseline."""
    row = {
        "side": "right",
        "baseline_on": date(2026, 3, 2),
        "unit": "Nm/kg",
        "change": change,
        "change_pct": change / baseline * 100,
        "real_change": 5.0,
        "real_change_unit": "pct",
        "beyond_noise": abs(change) >= baseline * 0.05,
        "direction": "better" if change >= baseline * 0.05 else "within_noise",
    }
    return row | overrides


def test_a_rise_beyond_noise_is_said_in_percent_of_the_baseline() -> None:
    # 1.50 -> 1.71 Nm/kg: +0.21 / 1.50 = 14%, beyond 5% (0.075 Nm/kg)
    assert assessment_change_sentence(retest(0.21, 1.50), HHD) == (
        "Your right hip abduction strength rose 14% since the baseline of 02 Mar 2026, beyond "
        "the 5% test noise (an improvement)."
    )


def test_a_change_within_noise_is_not_a_real_change() -> None:
    # 1.50 -> 1.56 Nm/kg: +4%, under the 5% noise
    assert assessment_change_sentence(retest(0.06, 1.50), HHD) == (
        "Your right hip abduction strength rose 4% since the baseline of 02 Mar 2026, within "
        "the 5% test noise: not a real change yet."
    )


def test_an_absolute_threshold_is_said_in_the_measures_unit() -> None:
    # Y-balance anterior reach 62 -> 51 cm: fell 11 cm, beyond the 9 cm MDC
    row = retest(
        -11.0,
        62.0,
        side="left",
        unit="cm",
        real_change=9.0,
        real_change_unit="abs",
        beyond_noise=True,
        direction="worse",
    )
    assert assessment_change_sentence(row, "anterior reach") == (
        "Your left anterior reach fell 11 cm since the baseline of 02 Mar 2026, beyond the 9 cm "
        "test noise (a decline)."
    )


def trend_rows() -> pl.DataFrame:
    """Right-side torque at baseline (1.50) and two re-tests; the second re-test by another assessor."""
    return pl.DataFrame(
        {
            "assessed_on": [date(2026, 3, 2), date(2026, 5, 4), date(2026, 7, 6)],
            "side": ["right"] * 3,
            "value": [1.50, 1.58, 1.71],
            "baseline_value": [1.50] * 3,
            "real_change_abs": [0.075] * 3,  # 5% of 1.50
            "assessor": ["Sam", "Sam", "Alex"],
            "assessor_changed": [False, False, True],
        }
    )


def test_the_band_is_the_baseline_plus_minus_the_real_change() -> None:
    fig = assessment_trend(trend_rows(), "Hip abduction: Torque per body mass", "Nm/kg")
    [band] = [t for t in fig.data if t.fill == "toself"]
    assert (min(band.y), max(band.y)) == pytest.approx((1.425, 1.575))
    [line] = [t for t in fig.data if t.fill != "toself" and ASSESSOR_CHANGED not in t.name]
    assert list(line.y) == [1.50, 1.58, 1.71]
    assert fig.layout.yaxis.title.text == "Torque per body mass (Nm/kg)"
    assert fig.layout.xaxis.title.text == "Assessment date"


def test_a_change_of_assessor_is_marked_on_the_chart() -> None:
    fig = assessment_trend(trend_rows(), "Hip abduction: Torque per body mass", "Nm/kg")
    assert [s.x0 for s in fig.layout.shapes] == ["2026-07-06"]
    # named once, in the legend (a label on each line ran into the next on a phone)
    assert not fig.layout.annotations
    assert [t.name for t in fig.data if t.name and ASSESSOR_CHANGED in t.name] == [
        f"{ASSESSOR_CHANGED} (dotted line)"
    ]


def test_nothing_assessed_is_a_titled_empty_chart() -> None:
    fig = assessment_trend(trend_rows().clear(), "Side bridge hold: Hold", "s")
    assert fig.layout.title.text == "Side bridge hold: Hold"
    assert [a.text for a in fig.layout.annotations] == ["Not assessed yet"]
