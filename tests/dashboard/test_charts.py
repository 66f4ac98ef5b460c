"""Every chart: a title, unit-labelled axes, hover text, and a titled empty state."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import polars as pl
import pytest

from dashboard import charts, data
from dashboard.accounts.viewer import Viewer
from dashboard.charts.common import TITLE_LINE_CHARS

COACH = Viewer("coach", "coach", None)


def figures(club) -> dict[str, go.Figure]:
    athlete = COACH.viewing(club.member_athlete)
    settings = data.metric_settings(COACH)
    weekly = data.athlete_weekly(athlete)
    lifts = data.athlete_strength_progress(athlete)
    return {
        "exercise_progress": charts.exercise_progress(
            lifts.filter(pl.col("exercise_id") == lifts["exercise_id"].first())
        ),
        "weekly_group_sets": charts.weekly_group_sets(data.athlete_strength_groups(athlete)),
        "progression_heatmap": charts.progression_heatmap(data.club_strength_weekly(COACH)),
        "club_volume": charts.club_volume(data.club_weekly(COACH)),
        "adherence_distribution": charts.adherence_distribution(
            data.club_adherence(COACH), settings
        ),
        "adherence_by_phase": charts.adherence_by_phase(data.adherence_by_phase(COACH)),
        "adherence_heatmap": charts.adherence_heatmap(data.club_adherence_weekly(COACH)),
        "incidence_forest": charts.incidence_forest(data.injury_incidence(COACH)),
        "rate_ratio_forest": charts.rate_ratio_forest(
            data.injury_incidence(COACH), data.injury_adjusted(COACH)
        ),
        "ostrc_prevalence": charts.ostrc_prevalence(data.ostrc_weekly(COACH)),
        "ostrc_area_prevalence": charts.ostrc_area_prevalence(data.ostrc_area_weekly(COACH)),
        "pace_slopes": charts.pace_slopes(data.club_pace_trends(COACH)),
        "pace_vs_adherence": charts.pace_vs_adherence(
            data.club_pace_trends(COACH), data.club_adherence(COACH)
        ),
        "pace_before_after": charts.pace_before_after(data.club_pace_before_after(COACH)),
        "file_statuses": charts.file_statuses(data.file_status_counts(COACH)),
        "weekly_volume": charts.weekly_volume(weekly),
        "pace_trend": charts.pace_trend(weekly),
        "efficiency_trend": charts.efficiency_trend(weekly),
        "fitness_fatigue": charts.fitness_fatigue(weekly, settings),
        "strength_calendar": charts.strength_calendar(data.strength_days(athlete)),
        "weekly_adherence": charts.weekly_adherence(data.adherence_weekly(athlete)),
        "program_due": charts.program_due(data.program_due(athlete)),
        "ostrc_severity": charts.ostrc_severity(data.athlete_ostrc(athlete)),
        "assessment_trend": charts.assessment_trend(
            data.athlete_assessments(athlete).filter(pl.col("measure") == "torque_nm_kg"),
            "Hip abduction strength: Torque per body mass",
            "Nm/kg",
        ),
        "club_against_norm": charts.club_against_norm(
            data.club_latest_assessments(COACH, "hip_abduction_hhd").filter(
                pl.col("measure") == "torque_nm_kg"
            )
        ),
        "change_by_band": charts.change_by_band(
            data.assessment_change_by_band(COACH), "torque_nm_kg", "Torque change", "Nm/kg"
        ),
    }


def title(fig) -> str:
    """The chart's title as read: its lines joined by spaces."""
    return fig.layout.title.text.replace("<br>", " ")


def test_every_chart_function_is_exercised(club_env) -> None:
    assert set(figures(club_env)) == set(charts.__all__)


def test_charts_have_titles_axis_labels_and_hover(club_env) -> None:
    for name, fig in figures(club_env).items():
        assert fig.layout.title.text, name
        lines = fig.layout.title.text.split("<br>")
        assert max(map(len, lines)) <= TITLE_LINE_CHARS, (name, lines)  # fits a phone
        if not fig.data:  # an empty state: it must say so
            assert fig.layout.annotations[0].text, name
            continue
        assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text, name
        for trace in fig.data:
            assert trace.hovertemplate or trace.hoverinfo == "skip", (name, trace.name)


def test_forest_plot_is_labelled_observational(club_env) -> None:
    fig = charts.incidence_forest(data.injury_incidence(COACH))
    assert "association, not causation" in title(fig)


def test_rate_ratio_forest_marks_crude_and_adjusted_apart(club_env) -> None:
    incidence, adjusted = data.injury_incidence(COACH), data.injury_adjusted(COACH)
    fig = charts.rate_ratio_forest(incidence, adjusted)
    assert "association, not causation" in title(fig)
    names = {trace.name: trace.marker.symbol for trace in fig.data}
    expected = {}
    bounded = incidence.filter(
        pl.col("comparison") == "adherence_band",
        pl.col("group_label") != pl.col("reference_group"),
        pl.col("irr") > 0,
        pl.col("irr_cluster_ci_low").is_not_null(),
        pl.col("irr_cluster_ci_high").is_not_null(),
    )
    if bounded.height:
        expected["Crude (athlete cluster bootstrap CI)"] = "circle"
    if adjusted["irr"].drop_nulls().len():
        expected["Adjusted (Poisson GEE, robust CI)"] = "diamond"
    assert names == expected
    # the log axis labels its ticks in full: 0.2, not plotly's own "2" (a bounded ratio drawn)
    drawn = incidence.with_columns(
        irr=pl.lit(0.8), irr_cluster_ci_low=pl.lit(0.25), irr_cluster_ci_high=pl.lit(2.5)
    )
    axis = charts.rate_ratio_forest(drawn, adjusted).layout.xaxis
    assert axis.type == "log"
    assert dict(zip(axis.tickvals, axis.ticktext, strict=True))[0.2] == "0.2"
    empty = charts.rate_ratio_forest(incidence.head(0), adjusted.head(0))
    assert empty.layout.annotations[0].text.startswith("Not enough injuries")


@pytest.mark.parametrize("name", ["club_volume", "weekly_volume", "pace_trend", "ostrc_severity"])
def test_empty_frames_give_a_titled_notice(club_env, name: str) -> None:
    frame = {
        "club_volume": data.club_weekly,
        "weekly_volume": data.athlete_weekly,
        "pace_trend": data.athlete_weekly,
        "ostrc_severity": data.athlete_ostrc,
    }[name](COACH.viewing(club_env.member_athlete)).head(0)
    fig = getattr(charts, name)(frame)
    assert fig.layout.title.text and fig.layout.annotations[0].text.startswith("No ")


def test_pace_axis_reads_minutes_and_seconds(club_env) -> None:
    fig = charts.pace_trend(data.athlete_weekly(COACH.viewing(club_env.member_athlete)))
    assert fig.layout.yaxis.autorange == "reversed"
    assert all(":" in label for label in fig.layout.yaxis.ticktext)


def test_the_load_axis_names_what_the_load_is() -> None:
    settings = data.metric_settings(COACH)
    weekly = pl.DataFrame(
        {
            "week_start": [date(2026, 2, 2), date(2026, 2, 9)],
            "ctl": [10.0, 12.0],
            "atl": [30.0, 20.0],
            "tsb": [0.0, -20.0],
            "load_methods": [["trimp"], ["default_intensity", "session_rpe", "trimp"]],
        }
    )
    fig = charts.fitness_fatigue(weekly, settings)
    assert fig.layout.yaxis.title.text == (
        "Daily training load (TRIMP + session RPE x minutes + default per minute)"
    )
    assert [t.name for t in fig.data[1:]] == [
        "Fitness (CTL): EWMA, 42-day time constant",
        "Fatigue (ATL): EWMA, 7-day time constant",
    ]
    only_trimp = charts.fitness_fatigue(weekly.head(1), settings)
    assert only_trimp.layout.yaxis.title.text == "Daily training load (TRIMP)"


def _strength_sessions(progress: str, name: str) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "exercise_name": ["Hip thrust"] * 2,
            "progress": [progress] * 2,
            "progress_measure_name": [name] * 2,
            "local_date": [date(2026, 1, 5), date(2026, 1, 8)],
            "progress_measure": [80.0, 88.7],
            "state": ["first session", "progressing"],
            "working_sets": [3, 3],
            "total_reps": [30, 24],
            "top_set_load_kg": [60.0, 70.0],
            "top_set_reps": [10, 8],
            "volume_load_kg": [1800.0, 1680.0],
        }
    )


def test_exercise_progress_names_the_estimate_and_colours_states():
    fig = charts.exercise_progress(_strength_sessions("load", "estimated 1RM (Epley), kg"))
    assert title(fig) == "Hip thrust: estimated 1RM (Epley), kg per session"
    assert fig.layout.yaxis.title.text == "estimated 1RM (Epley), kg"
    assert [t.name for t in fig.data] == ["all sessions", "first session", "progressing"]
    assert "top set" in fig.data[2].hovertemplate
    bands = charts.exercise_progress(_strength_sessions("reps", "reps x band level"))
    assert "top set" not in bands.data[2].hovertemplate


def test_progression_heatmap_puts_states_beside_adherence():
    weekly = pl.DataFrame(
        {
            "display_name": ["Ann", "Ann", "Bo"],
            "week_start": [date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 5)],
            "week_state": ["progressing", None, "regressing"],
            "exercises_progressing": [2, 0, 0],
            "exercises_flat": [0, 0, 1],
            "exercises_regressing": [0, 0, 2],
            "ready_exercises": [["Hip thrust"], [], []],
            "session_adherence": [1.0, 0.0, 0.5],
            "phase_name": ["activation"] * 3,
            "adherence_band": ["high", "high", "low"],
        }
    )
    fig = charts.progression_heatmap(weekly)
    state, adherence = fig.data[0], fig.data[1]
    # codes follow STATE_COLOURS: regressing 0, flat 1, first session 2, progressing 3; no session empty
    assert list(state.z) == pytest.approx([3.0, float("nan"), 0.0], nan_ok=True)
    assert list(adherence.z) == pytest.approx([100.0, 0.0, 50.0])
    assert {t.name for t in fig.data[2:]} == {"regressing", "flat", "first session", "progressing"}


def test_a_single_week_is_labelled_as_a_day_not_spread_over_hours_and_its_bar_is_visible():
    # plotly alone spreads one date over hours and labels the ticks "00:00:00 Nov 30, 2026"
    counts = pl.DataFrame(
        {
            "week_start": [date(2026, 11, 30)] * 2,
            "status": ["ingested", "rejected"],
            "files": [5, 1],
        }
    )
    axis = charts.file_statuses(counts).layout.xaxis
    assert axis.range == ("2026-11-26", "2026-12-04")
    assert (axis.tick0, axis.dtick, axis.tickformat) == ("2026-11-30", 7 * 86_400_000, "%-d %b %Y")
    # and its bars are five days wide, not the hairline plotly gives a lone date bar
    assert [bar.width for bar in charts.file_statuses(counts).data] == [5 * 86_400_000] * 2
    two_weeks = counts.with_columns(week_start=pl.Series([date(2026, 11, 23), date(2026, 11, 30)]))
    assert charts.file_statuses(two_weeks).layout.xaxis.range is None  # plotly's own ticks


def test_weekly_prevalence_shows_how_many_answered_each_week(club_env) -> None:
    weekly = data.ostrc_weekly(COACH)
    fig = charts.ostrc_prevalence(weekly)
    [bars] = [t for t in fig.data if t.type == "bar"]
    assert bars.yaxis == "y2" and fig.layout.yaxis2.title.text == "Members who answered"
    counts = {str(w): n for w, n in zip(weekly["week_start"], weekly["respondents"], strict=True)}
    assert {str(w): int(n) for w, n in zip(bars.x, bars.y, strict=True)} == counts
    # by area: each week's members who answered about any area
    by_area = data.ostrc_area_weekly(COACH).filter(pl.col("area") != "all")
    [area_bars] = [t for t in charts.ostrc_area_prevalence(by_area).data if t.type == "bar"]
    most = by_area.group_by("week_start").agg(pl.col("respondents").max())
    assert {str(w): int(n) for w, n in zip(area_bars.x, area_bars.y, strict=True)} == {
        str(w): n for w, n in most.iter_rows()
    }


def test_the_strength_calendar_draws_each_session_on_its_own_day(club_env) -> None:
    days = data.strength_days(COACH.viewing(club_env.member_athlete))
    heatmap = charts.strength_calendar(days).data[0]
    weeks = pl.Series(heatmap.x).n_unique()
    # a full grid, seven days of every week from the first to the last, empty where none was logged
    assert len(heatmap.z) == 7 * weeks
    assert weeks == (days["week_start"].max() - days["week_start"].min()).days // 7 + 1
    drawn = {
        (str(w)[:10], int(d), int(z))
        for w, d, z in zip(heatmap.x, heatmap.y, heatmap.z, strict=True)
        if z is not None and z == z
    }
    logged = {
        (str(w), int(wd) - 1, int(g))
        for w, wd, g in days.select("week_start", "weekday", "glute_sets").iter_rows()
    }
    assert drawn == logged
