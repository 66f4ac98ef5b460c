"""Coach: who is getting faster, and pace before versus after joining the strength program."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, data, ui
from dashboard.formatting import pace_text_expr, trend_window_text

viewer = ui.coach_viewer()
ui.page_start(viewer, "Pace trends")
settings = data.metric_settings(viewer)

window = (
    st.segmented_control(
        "Trend over",
        ["last_12_weeks", "since_program_start"],
        default="last_12_weeks",
        format_func=lambda w: trend_window_text(w, settings).capitalize(),
        key="pace_window",
    )
    or "last_12_weeks"
)
trends = data.club_pace_trends(viewer, window)
ui.chart(charts.pace_slopes(trends), key="pace_slopes")
st.caption(
    "Theil-Sen slope of weekly median grade-adjusted pace, with its 95% CI. An athlete is called "
    "improving or slower only when the CI excludes zero; otherwise flat."
)
ui.chart(charts.pace_vs_adherence(trends, data.club_adherence(viewer)), key="pace_vs_adherence")
st.caption(
    "Each enrolled member's pace trend (above) against their cumulative strength-session "
    "adherence. Observational: members who lift more may differ in other ways."
)
ui.table(
    trends.select(
        "display_name", "direction", "slope_s_per_km_per_4wk", "ci_low", "ci_high", "n_weeks"
    ),
    column_config={
        "display_name": "Athlete",
        "direction": "Verdict",
        "slope_s_per_km_per_4wk": st.column_config.NumberColumn("s/km per 4 weeks", format="%+.1f"),
        "ci_low": st.column_config.NumberColumn("95% CI low", format="%+.1f"),
        "ci_high": st.column_config.NumberColumn("95% CI high", format="%+.1f"),
        "n_weeks": "Weeks with runs",
    },
)
ui.download(trends, f"pace_trends_{window}.csv", key="pace_trends_csv")

st.subheader("Before and after enrolment")
before_after = data.club_pace_before_after(viewer)
ui.chart(charts.pace_before_after(before_after), key="pace_before_after")
st.caption(
    "Median grade-adjusted pace in the 6 weeks before enrolment versus weeks 7-12 after. "
    "A before/after comparison without a control group: season and fitness change too."
)
ui.table(
    before_after.select(
        "display_name",
        "enrolment_start",
        pace_text_expr("gap_before_s_per_km").alias("before"),
        pace_text_expr("gap_after_s_per_km").alias("after"),
        "change_s_per_km",
        "weeks_before",
        "weeks_after",
    ),
    column_config={
        "display_name": "Athlete",
        "enrolment_start": st.column_config.DateColumn("Enrolled"),
        "before": "Before",
        "after": "After",
        "change_s_per_km": st.column_config.NumberColumn(
            "Change (s/km, minus = faster)", format="%+.0f"
        ),
        "weeks_before": "Weeks before",
        "weeks_after": "Weeks after",
    },
)
ui.download(before_after, "pace_before_after.csv", key="pace_ba_csv")
