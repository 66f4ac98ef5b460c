"""Plain-language sentences and number formats, checked against hand-written expectations."""

from __future__ import annotations

import polars as pl
import pytest

from dashboard.config import MetricSettings
from dashboard.formatting import (
    adherence_bands_text,
    before_after_sentence,
    duration_text_expr,
    pace_text,
    pace_text_expr,
    pace_trend_sentence,
)

SETTINGS = MetricSettings()


def trend(
    direction: str,
    slope: float | None,
    low: float | None,
    high: float | None,
    window: str = "last_12_weeks",
) -> dict:
    return {
        "trend_window": window,
        "n_weeks": 12,
        "slope_s_per_km_per_4wk": slope,
        "ci_low": low,
        "ci_high": high,
        "direction": direction,
    }


def test_improving_reads_as_the_brief_example() -> None:
    assert pace_trend_sentence(trend("improving", -6.0, -9.0, -3.0), "you", SETTINGS) == (
        "Your grade-adjusted pace improved by 6 s/km per 4 weeks over the last 12 weeks "
        "(95% CI 3 to 9 s/km)."
    )


def test_slower_flat_and_insufficient() -> None:
    assert pace_trend_sentence(
        trend("slower", 4.0, 1.0, 7.0, "since_program_start"), "Bea", SETTINGS
    ) == (
        "Bea's grade-adjusted pace got slower by 4 s/km per 4 weeks since the program started "
        "(95% CI 1 to 7 s/km)."
    )
    flat = pace_trend_sentence(trend("flat", -2.0, -5.0, 1.0), "you", SETTINGS)
    assert "no clear change" in flat and "-5 to +1" in flat
    few = pace_trend_sentence(trend("insufficient_data", None, None, None), "you", SETTINGS)
    assert few.startswith("Not enough weeks with runs")


def test_before_after_sentence() -> None:
    row = {
        "gap_before_s_per_km": 340.0,
        "gap_after_s_per_km": 332.0,
        "change_s_per_km": -8.0,
        "weeks_before": 6,
        "weeks_after": 6,
    }
    sentence = before_after_sentence(row, "you")
    assert "5:40 /km" in sentence and "5:32 /km" in sentence and "8 s/km faster" in sentence


@pytest.mark.parametrize(("seconds", "text"), [(332, "5:32 /km"), (299.6, "5:00 /km"), (None, "-")])
def test_pace_text(seconds: float | None, text: str) -> None:
    assert pace_text(seconds) == text


def test_vectorised_formats() -> None:
    frame = pl.DataFrame({"s": [271.0, 1413.2, 3725.0, None]})
    assert frame.select(pace_text_expr("s"))["s"].to_list()[0] == "4:31 /km"
    assert frame.select(duration_text_expr("s").alias("t"))["t"].to_list() == [
        "4:31",
        "23:33",
        "1:02:05",
        "-",
    ]


def test_band_text_shows_the_thresholds() -> None:
    assert adherence_bands_text(SETTINGS).startswith(
        "High adherence = at least 84% of prescribed strength sessions"
    )


def test_the_settings_of_a_publish_read_as_a_table() -> None:
    from dashboard.formatting import settings_table

    table = settings_table('{"adherence_high": 0.84, "ostrc_recent_weeks": 2}')
    assert table.rows() == [("Adherence high", "0.84"), ("Ostrc recent weeks", "2")]
    assert settings_table(None).is_empty()


def test_the_median_and_its_order_statistic_interval() -> None:
    from dashboard.views.program_answer import median_with_ci

    # n = 25: ranks 12.5 - 4.9 = 7.6 -> 8 and 1 + 12.5 + 4.9 = 18.4 -> 18, the exact binomial
    # interval's ranks too (Campbell & Gardner 1988, table)
    assert median_with_ci([float(v) for v in range(25, 0, -1)]) == (13.0, 8.0, 18.0)
    # n = 10: ranks 5 - 3.10 = 1.90 -> 2 and 1 + 5 + 3.10 = 9.10 -> 9; median (5 + 6) / 2
    assert median_with_ci([float(v) for v in range(1, 11)]) == (5.5, 2.0, 9.0)
    assert median_with_ci([3.0, 1.0, 2.0]) == (2.0, None, None)


def test_the_adherence_sentence_compares_the_last_four_weeks_with_the_four_before() -> None:
    from datetime import date, timedelta

    import polars as pl

    from dashboard.config import MetricSettings
    from dashboard.views.program_answer import adherence_sentence

    weeks = [date(2026, 9, 7) + timedelta(weeks=i) for i in range(8)]
    rows = [("a", w, 2, 2, True) for w in weeks] + [
        ("b", w, 2 if i < 4 else 1, 2, True) for i, w in enumerate(weeks)
    ]
    # the week in progress: nobody has logged a session yet, and it is not counted
    in_progress = weeks[-1] + timedelta(weeks=1)
    rows += [("a", in_progress, 0, 2, False), ("b", in_progress, 0, 2, False)]
    weekly = pl.DataFrame(
        rows,
        schema=[
            "athlete_id",
            "week_start",
            "counted_sessions",
            "prescribed_sessions",
            "week_complete",
        ],
        orient="row",
    )
    # last 4 complete weeks: a 8/8 = 100%, b 4/8 = 50% -> 1 of 2 at 84% or more; the 4 before: both
    assert adherence_sentence(weekly, MetricSettings()) == (
        "**Adherence:** 50% of 2 enrolled members did at least 84% of their prescribed strength "
        "sessions in the last 4 complete weeks (to the week of 26 Oct), down from 100% in the 4 "
        "weeks before."
    )
    # with only the week in progress there is nothing to say yet
    assert adherence_sentence(weekly.filter(~pl.col("week_complete")), MetricSettings()) is None
