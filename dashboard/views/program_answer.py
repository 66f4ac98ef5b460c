"""The coach's first answer: is the strength program working? A few sentences in plain words, each
with the numbers and the method behind it, and a link to the page with the detail."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import polars as pl
import streamlit as st

from dashboard import data
from dashboard.accounts.viewer import Viewer
from dashboard.config import MetricSettings
from dashboard.formatting import count_text, percent
from dashboard.views.followup import response_table

MONTH_WEEKS = 4
BANDS = ("high", "medium", "low")


def median_with_ci(values: list[float]) -> tuple[float, float | None, float | None]:
    """The median and its distribution-free 95% CI: the order statistics of ranks
    n/2 - 0.98 sqrt(n) and 1 + n/2 + 0.98 sqrt(n), each rounded to the nearest whole rank (1-based;
    Campbell & Gardner, BMJ 1988;296:1454, the normal approximation to the binomial); no interval
    for fewer than 6 values."""
    ordered = sorted(values)
    n = len(ordered)
    middle = (ordered[(n - 1) // 2] + ordered[n // 2]) / 2
    if n < 6:
        return middle, None, None
    low = math.floor(n / 2 - 0.98 * math.sqrt(n) + 0.5)
    high = math.floor(1 + n / 2 + 0.98 * math.sqrt(n) + 0.5)
    return middle, ordered[max(low, 1) - 1], ordered[min(high, n) - 1]


def injury_sentence(incidence: pl.DataFrame) -> str | None:
    """Running injuries per 1000 h in the high vs the low adherence band, with the rate ratio."""
    bands = incidence.filter(pl.col("comparison") == "adherence_band")
    high = bands.filter(pl.col("group_label") == "high")
    low = bands.filter(pl.col("group_label") == "low")
    if high.is_empty() or low.is_empty():
        return None
    h, lo = high.row(0, named=True), low.row(0, named=True)
    ratio = (
        f"rate ratio {h['irr']:.2f} (95% CI {h['irr_ci_low']:.2f} to {h['irr_ci_high']:.2f}, "
        f"{h['ci_method']})"
        if h["irr"] is not None
        else "too few cases for a rate ratio"
    )
    return (
        f"**Injuries:** members who keep up the program (high adherence) had "
        f"{h['rate_per_1000h']:.1f} running injuries per 1000 running hours "
        f"({count_text(h['cases'], 'case')}), against {lo['rate_per_1000h']:.1f} for low "
        f"adherence ({count_text(lo['cases'], 'case')}): {ratio}. "
        "Observational: an association, not proof."
    )


def pace_sentence(trends: pl.DataFrame, adherence: pl.DataFrame) -> str | None:
    """The median pace-trend slope per adherence band, with its CI."""
    joined = trends.filter(pl.col("slope_s_per_km_per_4wk").is_not_null()).join(
        adherence.select("athlete_id", "adherence_band"), on="athlete_id"
    )
    parts = []
    for band in BANDS:
        slopes = joined.filter(pl.col("adherence_band") == band)["slope_s_per_km_per_4wk"]
        if slopes.is_empty():
            continue
        middle, low, high = (
            None if v is None else round(v, 1) + 0.0  # + 0.0: -0.04 reads +0.0, not -0.0
            for v in median_with_ci(slopes.to_list())
        )
        interval = f" (95% CI {low:+.1f} to {high:+.1f})" if low is not None else ""
        parts.append(
            f"{band} adherence {middle:+.1f} s/km per 4 weeks{interval}, "
            f"{count_text(slopes.len(), 'member')}"
        )
    if not parts:
        return None
    return (
        "**Pace:** median change of grade-adjusted pace over the last 12 weeks (below 0 = faster): "
        + "; ".join(parts)
        + ". Median of the members' trend slopes; CI by order statistics."
    )


def adherence_sentence(weekly: pl.DataFrame, settings: MetricSettings) -> str | None:
    """The share of enrolled members at high adherence over the last 4 complete weeks, and the 4
    before: the week in progress has no adherence until it ends (its sessions so far against a
    whole week's prescription would count every member as behind)."""
    weekly = weekly.filter(pl.col("week_complete"))
    if weekly.is_empty():
        return None
    last = weekly["week_start"].max()

    def share(first: object, final: object) -> tuple[float | None, int]:
        window = weekly.filter(pl.col("week_start").is_between(first, final))
        per_member = window.group_by("athlete_id").agg(
            pl.col("counted_sessions").sum() / pl.col("prescribed_sessions").sum()
        )
        rates = per_member.filter(pl.all_horizontal(pl.all().is_not_null())).to_series(1)
        if rates.is_empty():
            return None, 0
        return float((rates >= settings.adherence_high).mean()), rates.len()

    now, members = share(last - timedelta(weeks=MONTH_WEEKS - 1), last)
    before, _ = share(
        last - timedelta(weeks=2 * MONTH_WEEKS - 1), last - timedelta(weeks=MONTH_WEEKS)
    )
    if now is None:
        return None
    trend = (
        f", {'up' if now > before else 'down' if now < before else 'level'} from {percent(before)} "
        "in the 4 weeks before"
        if before is not None
        else ""
    )
    return (
        f"**Adherence:** {percent(now)} of {members} enrolled members did at least "
        f"{percent(settings.adherence_high)} of their prescribed strength sessions in the last "
        f"4 complete weeks (to the week of {last:%d %b}){trend}."
    )


def checkin_sentence(table: pl.DataFrame) -> str | None:
    """This week's check-in response."""
    if table.is_empty():
        return None
    answered = int(table["answered"].sum())
    return (
        f"**Check-ins:** {answered} of {table.height} members answered this week's health "
        f"check-in (week of {table['due_week'].max():%d %b})."
    )


def render(viewer: Viewer) -> None:
    """The answer, sentence by sentence, each with a link to its page."""
    st.subheader("Is the program working?")
    settings = data.metric_settings(viewer)
    now = datetime.now(UTC)
    sentences = [
        (
            injury_sentence(data.injury_incidence(viewer, "running_related_injury")),
            "app_pages/injuries.py",
            "Injuries and health",
        ),
        (
            pace_sentence(data.club_pace_trends(viewer), data.club_adherence(viewer)),
            "app_pages/pace_trends.py",
            "Pace trends",
        ),
        (
            adherence_sentence(data.club_adherence_weekly(viewer), settings),
            "app_pages/adherence.py",
            "Strength adherence",
        ),
        (
            checkin_sentence(
                response_table(
                    data.athletes(viewer),
                    data.club_checkin_weeks(viewer, now.date() - timedelta(weeks=10)),
                    now,
                )
            ),
            "app_pages/follow_up.py",
            "Follow-up",
        ),
    ]
    for sentence, page, title in sentences:
        if sentence is None:
            continue
        text, link = st.columns([4, 1.4], vertical_alignment="center")
        text.markdown(sentence)
        link.page_link(page, label=f"{title} →")
