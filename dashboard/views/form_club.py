"""The coach's running-form list: members whose ground contact balance stayed off 50% for weeks in a
row ("persistent asymmetry: consider an assessment"), each linked to the Assessments page, and any
member's running-form charts."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import data, ui
from dashboard.accounts.viewer import Viewer
from dashboard.config import MetricSettings
from dashboard.views import form

ASSESSMENTS_PAGE = "app_pages/assessments.py"


def rule_text(settings: MetricSettings) -> str:
    """The asymmetry rule in numbers, with the evidence that limits what it means."""
    return (
        f"Listed: weekly median ground contact balance (easy runs, % of ground contact time on the "
        f"left foot) more than {settings.form_asymmetry_points:g} points from 50%, on the same "
        f"side, {settings.form_asymmetry_weeks} or more weeks in a row (a week without a balance "
        "value ends the run). Ground contact balance has no known prospective link to injury: "
        "this is a cue to look, not a finding."
    )


def asymmetry(viewer: Viewer) -> None:
    """The members with persistent asymmetry, each with a link to record an assessment."""
    st.subheader("Persistent asymmetry: consider an assessment")
    settings = data.metric_settings(viewer)
    st.caption(rule_text(settings))
    rows = data.club_form_asymmetry(viewer)
    ui.download(rows, "persistent_asymmetry.csv", key="form_asymmetry_csv")
    if rows.is_empty():
        st.success("No member's ground contact balance stayed off 50% that long.")
        return
    for row in rows.iter_rows(named=True):
        text, link = st.columns([4, 1.4], vertical_alignment="center")
        when = "ongoing" if row["ongoing"] else f"until {row['last_week']:%d %b %Y}"
        text.markdown(
            f"**{row['display_name']}**: {row['weeks']} weeks from "
            f"{row['first_week']:%d %b %Y} ({when}), median balance "
            f"{row['median_balance_left_pct']:.1f}% left ({row['side']} side longer on the ground)."
        )
        link.page_link(ASSESSMENTS_PAGE, label="Assessments →")


def member_form(viewer: Viewer) -> None:
    """One member's running-form charts, the asymmetric members listed first."""
    st.subheader("A member's running form")
    members = data.athletes(viewer).select("athlete_id", "display_name")
    flagged = data.club_form_asymmetry(viewer)["athlete_id"].unique(maintain_order=True).to_list()
    members = members.with_columns(pl.col("athlete_id").is_in(flagged).alias("flagged")).sort(
        ["flagged", "display_name"], descending=[True, False]
    )
    names = dict(members.select("athlete_id", "display_name").iter_rows())
    chosen = st.selectbox("Member", list(names), format_func=names.get, key="form_member")
    if chosen:
        form.render(viewer.viewing(chosen), key="coach_form")
