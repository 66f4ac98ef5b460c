"""The running-form view of one athlete ("My running form"): weekly medians of cadence, ground
contact time and balance and vertical oscillation on easy runs against the athlete's own baseline,
device changes marked, beside their program phase and strength adherence."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
import streamlit as st

from dashboard import charts, data, ui
from dashboard.accounts.viewer import Viewer
from dashboard.charts.form import form_trend
from dashboard.formatting import pace_text

# METRICS.md "Running form": what the evidence says, shown with the numbers (its wording rule holds).
EVIDENCE = (
    "What these numbers can and cannot say: lower step rates (below about 170 steps/min) went "
    "with more shin injuries in high-school runners (Luedke 2016), a finding not replicated in "
    "college runners; ground contact balance has no known prospective link to injury. They are "
    "watch measurements of running style, not a diagnosis."
)
BASELINES = {
    "before_program": "the {weeks} weeks before the strength program started",
    "first_weeks_of_data": "the first {weeks} weeks with running-form data",
}
NO_FORM = (
    "No runs with running dynamics yet. Cadence comes from most running watches; ground contact "
    "time, balance and vertical oscillation need a watch, chest strap or foot pod that records "
    "them. Upload the .fit files from your watch's app."
)


def method_text(row: dict, whose: str = "your") -> str:
    """The pace band and baseline weeks the weekly medians are computed with, in numbers; `whose`
    runs they are in the reader's words ("your" for the member, "their" for the coach)."""
    baseline = BASELINES[row["baseline_source"]].format(weeks=row["baseline_weeks"])
    last_day = row["baseline_end"] - timedelta(days=1)
    return (
        f"These measures change with running speed, so each week shows the median of {whose} "
        f"easy runs only: runs at {pace_text(row['easy_pace_from_s_per_km'])} to "
        f"{pace_text(row['easy_pace_to_s_per_km'])}, {whose} baseline pace "
        f"{pace_text(row['baseline_pace_s_per_km'])} ± {row['pace_band_s_per_km']:g} s/km "
        f"(the median moving pace of {whose} runs in the baseline weeks). Baseline: {baseline} "
        f"({row['baseline_start']:%d %b %Y} to {last_day:%d %b %Y}); the dashed line is its "
        "median and the shaded band the middle half (25th to 75th percentile) of its easy runs."
    )


def _devices(weekly: pl.DataFrame) -> None:
    changes = weekly.filter(pl.col("device_changed")).unique("week_start").sort("week_start")
    st.caption(
        "A dotted line marks a week the recording setup changed. Ground contact balance needs a "
        "chest strap or foot pod; a watch on its own leaves it empty. Values from different "
        "devices are not directly comparable."
    )
    if not changes.is_empty():
        ui.table(
            changes.select("week_start", "previous_devices", "devices"),
            column_config={
                "week_start": st.column_config.DateColumn("Week of"),
                "previous_devices": "Before",
                "devices": "From that week",
            },
        )


def _program(viewer: Viewer, weekly: pl.DataFrame, key: str) -> None:
    """The program phase and strength adherence over the same weeks (the strength page's chart)."""
    st.subheader("Program phase and strength adherence, same weeks")
    summary = data.adherence_summary(viewer)
    if summary.is_empty():
        st.info("Not enrolled in a strength program.")
        return
    st.write(f"Current phase: **{str(summary['current_phase'][0]).capitalize()}**.")
    start, end = weekly["week_start"].min(), weekly["week_start"].max() + timedelta(days=6)
    ui.chart(charts.weekly_adherence(data.adherence_weekly(viewer, start, end)), key=f"{key}_adh")


def render(viewer: Viewer, key: str = "me") -> None:
    """The running-form view of the athlete in view (the member's own, or the coach's pick)."""
    weekly = data.athlete_form_weekly(viewer)
    if weekly.is_empty():
        st.info(NO_FORM)
        return
    st.write(method_text(weekly.row(0, named=True), "their" if viewer.is_coach else "your"))
    st.caption(EVIDENCE)
    _devices(weekly)
    for metric in weekly["metric"].unique(maintain_order=True):
        rows = weekly.filter(pl.col("metric") == metric)
        ui.chart(form_trend(rows), key=f"{key}_form_{metric}")
    ui.download(weekly, "running_form_weekly.csv", key=f"{key}_form_csv")
    _program(viewer, weekly, key)
