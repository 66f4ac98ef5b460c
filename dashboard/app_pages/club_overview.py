"""Coach: the club at a glance: members, volume, adherence, injuries, check-ins and who is at risk."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, data, ui
from dashboard.formatting import (
    AT_RISK_REASONS,
    CASE_DEFINITIONS,
    WEEK_IN_PROGRESS,
    adherence_bands_text,
    percent,
)
from dashboard.views import program_answer
from pipelines.methods import method

viewer = ui.coach_viewer()
ui.page_start(viewer, "Club overview")
program_answer.render(viewer)
settings = data.metric_settings(viewer)
start, end = ui.date_range(viewer, key="overview_dates")

weekly = data.club_weekly(viewer, start, end)
incidence = data.injury_incidence(viewer, "running_related_injury").filter(
    pl.col("comparison") == "club"
)
prevalence = data.ostrc_summary(viewer)

volume, adherence = st.columns(2), st.columns(2)
complete = weekly.filter(pl.col("week_complete"))
if not complete.is_empty():
    # the latest week that has ended: on a Monday the week in progress would read as a club at rest
    latest = complete.row(-1, named=True)
    volume[0].metric(
        f"Active members, week of {latest['week_start']:%d %b}",
        latest["active_members"],
        help="Members with at least one run that week.",
    )
    volume[1].metric(
        f"Club running km, week of {latest['week_start']:%d %b}",
        f"{latest['running_km']:.0f} km",
        help=f"{latest['runs']} runs, {latest['running_hours']:.0f} h.",
    )
    for week in weekly.filter(~pl.col("week_complete")).iter_rows(named=True):
        volume[0].caption(
            f"Week of {week['week_start']:%d %b}, in progress: {week['active_members']} active "
            f"so far, {week['running_km']:.0f} km."
        )
# the latest week whose adherence is known: the week in progress has none until it ends
ended = weekly.filter(pl.col("median_session_adherence").is_not_null())
if not ended.is_empty():
    adherence[0].metric(
        f"Median strength-session adherence, week of {ended['week_start'][-1]:%d %b}",
        percent(ended["median_session_adherence"][-1]),
        help=f"{method('session_adherence').label}. {adherence_bands_text(settings)}",
    )
    adherence[0].caption(f"Median over enrolled athletes. {WEEK_IN_PROGRESS}")
if not incidence.is_empty():
    club = incidence.row(0, named=True)
    adherence[1].metric(
        "Running injuries per 1000 running hours",
        f"{club['rate_per_1000h']:.1f}",
        help=f"{CASE_DEFINITIONS['running_related_injury']}. {club['cases']} cases in "
        f"{club['hours']:.0f} h.",
    )
    adherence[1].caption(
        f"95% CI {club['ci_low']:.1f} to {club['ci_high']:.1f} ({club['rate_ci_method']}); "
        f"{method('incidence_rate').label}."
    )
for column, row in zip(st.columns(2), prevalence.iter_rows(named=True), strict=False):
    label = "any" if row["measure"] == "any_problem" else "a substantial"
    column.metric(
        f"Members with {label} health problem, average week",
        percent(row["mean_weekly_prevalence"]),
        help=f"OSTRC-O2 weekly check-ins; {method('mean_weekly_prevalence').label}.",
    )
    column.caption(
        f"95% CI {percent(row['ci_low'])} to {percent(row['ci_high'])} over {row['weeks']} weeks "
        f"({row['ci_method']})"
    )

ui.chart(charts.club_volume(weekly), key="overview_volume")
ui.download(weekly, "club_weekly.csv", key="overview_weekly_csv")

st.subheader("At-risk list")
st.caption(
    f"Flags, not diagnoses: a load spike is an acute:chronic load ratio above {settings.acwr_spike} "
    f"({method('acwr').label}; a rough signal, not an injury prediction); a substantial OSTRC "
    "problem; or strength sessions dropping off. Talk to the athlete. How each figure is made: "
    "Methods page."
)
risk = data.at_risk(viewer).with_columns(
    pl.col("reason").replace_strict(AT_RISK_REASONS, default=pl.col("reason")).alias("reason")
)
ui.table_or_notice(
    risk.select("display_name", "reason", "as_of", "detail"),
    column_config={
        "display_name": "Athlete",
        "reason": "Reason",
        "as_of": st.column_config.DateColumn("As of"),
        "detail": st.column_config.TextColumn("Detail", width="large"),
    },
    when_empty="Nobody is flagged this week.",
    good_news=True,
)
ui.download(risk, "at_risk.csv", key="overview_risk_csv")
