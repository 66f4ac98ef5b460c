"""The running view of one athlete: weekly volume, pace and efficiency trends, load, best efforts, runs."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, data, ui
from dashboard.accounts.viewer import Viewer
from dashboard.formatting import (
    before_after_sentence,
    duration_text_expr,
    load_units_text,
    pace_text_expr,
    pace_trend_sentence,
)
from pipelines.methods import method


def render(viewer: Viewer, key: str = "me") -> None:
    """The running view of the athlete in view (the member's own, or the coach's pick)."""
    settings = data.metric_settings(viewer)
    profile = data.athlete_profile(viewer)
    who = (
        "you"
        if not viewer.is_coach
        else profile["display_name"][0]
        if profile.height
        else "This athlete"
    )
    start, end = ui.date_range(viewer, key=f"{key}_trends_dates")
    weekly = data.athlete_weekly(viewer, start, end)

    ui.chart(charts.weekly_volume(weekly), key=f"{key}_volume")

    st.subheader("Pace")
    for trend in data.pace_trend(viewer).iter_rows(named=True):
        st.write(pace_trend_sentence(trend, who, settings))
    for row in data.pace_before_after(viewer).iter_rows(named=True):
        st.write(before_after_sentence(row, who))
    st.caption(
        "Grade-adjusted pace (GAP) is the flat-ground pace for the same effort (Minetti 2002), so "
        "hilly runs compare fairly. Trends use weekly medians; 'improved' or 'slower' is said only "
        "when the 95% confidence interval excludes no change."
    )
    ui.chart(charts.pace_trend(weekly), key=f"{key}_gap")
    ui.chart(charts.efficiency_trend(weekly), key=f"{key}_ef")

    st.subheader("Fitness, fatigue and form")
    ui.chart(charts.fitness_fatigue(weekly, settings), key=f"{key}_load")
    st.caption(
        f"Fitness and fatigue are {method('fitness_fatigue').label} of daily load, starting at "
        "the first upload, so fitness reads low for the first weeks. Load "
        f"here is {load_units_text(weekly)} ({method('session_load').label}; see Methods)."
    )
    spikes = weekly.filter(pl.col("load_spike").fill_null(False))
    st.caption(
        f"Load spike = this week's acute:chronic load ratio above {settings.acwr_spike} "
        f"({spikes.height} weeks in this range): {method('acwr').label}, shown once there are "
        f"{settings.acwr_min_history_days} days of history. It is a prompt to check how you feel, "
        "not an injury prediction: research disagrees on what the ratio means."
    )
    ui.download(weekly, "weekly_training.csv", key=f"{key}_weekly_csv")

    st.subheader("Best efforts")
    efforts = data.best_efforts(viewer, start, end)
    ui.table_or_notice(
        efforts.select(
            "distance", duration_text_expr("best_s").alias("time"), "run_date", "run_name"
        ),
        column_config={
            "distance": "Distance",
            "time": "Time (elapsed, pauses included)",
            "run_date": st.column_config.DateColumn("Date"),
            "run_name": "Run",
        },
        when_empty="No 1 km, 5 km or 10 km efforts in this period.",
    )
    ui.download(efforts, "best_efforts.csv", key=f"{key}_efforts_csv")

    st.subheader("Runs")
    search = st.text_input("Find runs by name", key=f"{key}_run_search", placeholder="e.g. tempo")
    runs = data.athlete_runs(viewer, start, end, search)
    ui.table_or_notice(
        runs.select(
            "local_date",
            "name",
            "distance_km",
            "moving_min",
            pace_text_expr("pace_s_per_km").alias("pace"),
            pace_text_expr("gap_s_per_km").alias("gap"),
            "avg_hr",
            "elev_gain_m",
        ),
        column_config={
            "local_date": st.column_config.DateColumn("Date"),
            "name": "Run",
            "distance_km": st.column_config.NumberColumn("km", format="%.1f"),
            "moving_min": st.column_config.NumberColumn("Moving (min)", format="%.0f"),
            "pace": "Pace",
            "gap": "Grade-adjusted pace",
            "avg_hr": st.column_config.NumberColumn("Avg HR (bpm)", format="%.0f"),
            "elev_gain_m": st.column_config.NumberColumn("Climb (m)", format="%.0f"),
        },
        when_empty="No runs match." if search else "No runs in this period.",
    )
    ui.download(runs, "runs.csv", key=f"{key}_runs_csv")
