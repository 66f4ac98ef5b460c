"""Assessment charts: one measure over time with its real-change band, the club against the norm,
and changes by adherence band. Frames in (mart_assessment_results rows), figures out."""

from __future__ import annotations

from datetime import timedelta

import plotly.graph_objects as go
import polars as pl

from dashboard.charts.common import COLOURS, empty_figure, finish, mark_changes

SIDE_COLOURS = {"left": COLOURS["primary"], "right": COLOURS["secondary"], "both": COLOURS["good"]}
SIDE_NAMES = {"left": "Left", "right": "Right", "both": "Both sides"}
# the band reaches a week either side of the sessions, so a baseline alone still shows its band
BAND_MARGIN = timedelta(days=7)
ASSESSOR_CHANGED = "assessor changed"


def _band(side_rows: pl.DataFrame, side: str) -> go.Scatter:
    """The shaded baseline +- real-change band of one side, across the sessions shown."""
    base = side_rows.row(0, named=True)
    start = side_rows["assessed_on"].min() - BAND_MARGIN
    end = side_rows["assessed_on"].max() + BAND_MARGIN
    low = base["baseline_value"] - base["real_change_abs"]
    high = base["baseline_value"] + base["real_change_abs"]
    return go.Scatter(
        x=[start, end, end, start, start],
        y=[low, low, high, high, low],
        fill="toself",
        fillcolor=SIDE_COLOURS[side],
        opacity=0.15,
        line={"width": 0},
        hoverinfo="skip",
        name=f"{SIDE_NAMES[side]}: baseline ± test noise ({base['real_change_abs']:.3g})",
    )


def assessment_trend(rows: pl.DataFrame, title: str, unit: str) -> go.Figure:
    """One measure over time, a line per side, each with its real-change band around the baseline;
    a dashed line marks a session whose assessor differs from the one before."""
    if rows.is_empty():
        return empty_figure(title, "Not assessed yet")
    fig = go.Figure()
    for side in [s for s in SIDE_NAMES if s in rows["side"].to_list()]:
        side_rows = rows.filter(pl.col("side") == side).sort("assessed_on")
        if side_rows["real_change_abs"][0] is not None:
            fig.add_trace(_band(side_rows, side))
        fig.add_trace(
            go.Scatter(
                x=side_rows["assessed_on"],
                y=side_rows["value"],
                mode="lines+markers",
                line={"color": SIDE_COLOURS[side]},
                customdata=side_rows.select("assessor").to_numpy(),
                hovertemplate=f"{SIDE_NAMES[side]}, %{{x|%d %b %Y}}<br>%{{y:.3g}} {unit}"
                "<br>assessed by %{customdata[0]}<extra></extra>",
                name=SIDE_NAMES[side],
            )
        )
    changed = rows.filter(pl.col("assessor_changed"))["assessed_on"]
    mark_changes(fig, changed, ASSESSOR_CHANGED, COLOURS["neutral"])
    return finish(fig, title, "Assessment date", f"{title.split(':')[-1].strip()} ({unit})")


def club_against_norm(latest: pl.DataFrame) -> go.Figure:
    """Each athlete's latest break-test hip abduction torque against their Ramskov 2014 predicted
    value (+- 1 SD), per side."""
    title = "Hip abduction torque (break test) against the Ramskov 2014 norm"
    rows = latest.filter(pl.col("norm_predicted").is_not_null()).sort("display_name")
    if rows.is_empty():
        return empty_figure(title, "No break-test hip abduction torque with age and sex yet")
    fig = go.Figure(
        go.Scatter(
            x=rows["display_name"],
            y=rows["norm_predicted"],
            error_y={"type": "data", "array": rows["norm_sd"], "color": COLOURS["neutral"]},
            mode="markers",
            marker={"symbol": "line-ew-open", "size": 18, "color": COLOURS["neutral"]},
            hovertemplate="%{x}<br>predicted %{y:.2f} Nm/kg ± 1 SD<extra></extra>",
            name="Predicted for age and sex ± 1 SD",
        )
    )
    for side in ("left", "right"):
        side_rows = rows.filter(pl.col("side") == side)
        fig.add_trace(
            go.Scatter(
                x=side_rows["display_name"],
                y=side_rows["value"],
                mode="markers",
                marker={"color": SIDE_COLOURS[side], "size": 9},
                customdata=side_rows.select("norm_z", "assessed_on").to_numpy(),
                hovertemplate=f"%{{x}}, {side}<br>%{{y:.2f}} Nm/kg (z %{{customdata[0]:.1f}})"
                "<br>%{customdata[1]|%d %b %Y}<extra></extra>",
                name=SIDE_NAMES[side],
            )
        )
    return finish(fig, title, "Athlete", "Torque (Nm/kg)")


def change_by_band(by_band: pl.DataFrame, measure: str, title: str, unit: str) -> go.Figure:
    """Mean change per 12 weeks by adherence band with its 95% CI (observational)."""
    rows = by_band.filter(pl.col("measure") == measure)
    if rows.is_empty():
        return empty_figure(title, "No re-tests yet")
    fig = go.Figure(
        go.Scatter(
            x=rows["adherence_band"],
            y=rows["mean_change_per_12_weeks"],
            error_y={
                "type": "data",
                "symmetric": False,
                "array": rows["ci_high"] - rows["mean_change_per_12_weeks"],
                "arrayminus": rows["mean_change_per_12_weeks"] - rows["ci_low"],
            },
            mode="markers",
            marker={"size": 11, "color": COLOURS["primary"]},
            customdata=rows.select("athletes", "ci_method").to_numpy(),
            hovertemplate="%{x} adherence<br>%{y:.3g} " + unit + " per 12 weeks"
            "<br>%{customdata[0]} athletes (%{customdata[1]})<extra></extra>",
            name="Mean change, 95% CI",
        )
    )
    fig.add_hline(y=0, line_color=COLOURS["neutral"], line_dash="dash")
    return finish(fig, title, "Adherence band", f"Change per 12 weeks ({unit})")
