"""Layout every chart shares: titles, unit-labelled axes, phone-friendly legends, empty states."""

from __future__ import annotations

import math
import textwrap
from datetime import date, timedelta

import numpy as np
import plotly.graph_objects as go
import polars as pl

COLOURS = {
    "primary": "#1f77b4",
    "secondary": "#ff7f0e",
    "good": "#2ca02c",
    "warn": "#d62728",
    "neutral": "#7f7f7f",
}
NO_DATA = "No data in the selected period"
# Plotly never wraps a title: a line longer than the chart is cut off. On a 390 px phone a chart is
# about 350 px wide, which holds about 40 characters of a 16 px title; the chart's two buttons
# (`dashboard.ui.CHART_BUTTONS`) take the top right corner, so a line stops short of them.
TITLE_LINE_CHARS = 32
TITLE_LINE_PX = 22
WEEK = timedelta(days=7)
HALF_WEEK = timedelta(days=4)  # a lone week's bar, with room either side
LONE_BAR = timedelta(days=5)  # plotly draws a lone bar on a date axis as a hairline


def finish(fig: go.Figure, title: str, x_title: str, y_title: str) -> go.Figure:
    """Title (wrapped to fit a phone), axis labels and a legend under the plot so narrow screens
    keep the plot wide."""
    lines = textwrap.wrap(title, TITLE_LINE_CHARS, break_on_hyphens=False) or [""]
    fig.update_layout(
        title={"text": "<br>".join(lines), "x": 0, "xanchor": "left", "font": {"size": 16}},
        xaxis_title=x_title,
        yaxis_title=y_title,
        margin={"l": 10, "r": 10, "t": 38 + TITLE_LINE_PX * len(lines), "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
        hoverlabel={"namelength": -1},
    )
    days = _x_days(fig)
    if len(days) == 1:  # plotly spreads one day over hours ("00:00:00 Nov 30, 2026" ticks)
        (day,) = days
        fig.update_xaxes(
            range=[(day - HALF_WEEK).isoformat(), (day + HALF_WEEK).isoformat()],
            tick0=day.isoformat(),
            dtick=WEEK.total_seconds() * 1000,
            tickformat="%-d %b %Y",
        )
        fig.update_traces(width=LONE_BAR.total_seconds() * 1000, selector={"type": "bar"})
    return fig


def _x_days(fig: go.Figure) -> set[date]:
    """The distinct days the traces plot along x, or none when x is not an axis of days."""
    days: set[date] = set()
    for trace in fig.data:
        x = getattr(trace, "x", None)
        if x is None:
            continue
        values = np.asarray(x)
        if values.dtype == np.dtype("datetime64[D]"):
            values = values.astype(object)
        elif values.dtype != object or not all(type(v) is date for v in values):
            return set()
        days.update(values)
    return days


def mark_changes(fig: go.Figure, days: pl.Series, label: str, colour: str) -> go.Figure:
    """A dotted vertical line on each distinct day something changed (device, assessor), named once
    in the legend: a label on every line ran into the next on a phone."""
    days = days.unique().sort()
    for day in days:
        fig.add_vline(x=day.isoformat(), line_dash="dot", line_color=colour)
    if days.len():
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                line={"dash": "dot", "color": colour},
                name=f"{label} (dotted line)",
                hoverinfo="skip",
            )
        )
    return fig


def empty_figure(title: str, message: str = NO_DATA) -> go.Figure:
    """A titled figure that says there is nothing to plot, instead of blank axes."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return finish(fig, title, "", "")


def pace_ticks(values: pl.Series) -> tuple[list[float], list[str]]:
    """Tick positions every 15 or 30 s/km across `values`, labelled 'm:ss'."""
    present = values.drop_nulls()
    if present.is_empty():
        return [], []
    low, high = float(present.min()), float(present.max())
    step = 15 if high - low <= 120 else 30
    ticks = list(range(int(math.floor(low / step) * step), int(high) + step, step))
    return [float(t) for t in ticks], [f"{t // 60}:{t % 60:02d}" for t in ticks]


def pace_axis(fig: go.Figure, values: pl.Series, axis: str = "y") -> go.Figure:
    """Label a seconds-per-km axis as m:ss and put faster paces on top."""
    tickvals, ticktext = pace_ticks(values)
    update = {"tickvals": tickvals, "ticktext": ticktext, "autorange": "reversed"}
    if axis == "y":
        fig.update_yaxes(**update)
    else:
        fig.update_xaxes(**update)
    return fig


def weekly_km_bars(
    weekly: pl.DataFrame, title: str, hover_columns: tuple[str, ...], hovertemplate: str
) -> go.Figure:
    """Running km per week as bars, `hover_columns` of each week feeding the hover text."""
    if weekly.is_empty():
        return empty_figure(title)
    fig = go.Figure(
        go.Bar(
            x=weekly["week_start"],
            y=weekly["running_km"],
            customdata=weekly.select(hover_columns).to_numpy(),
            hovertemplate=hovertemplate,
            marker_color=COLOURS["primary"],
            name="Running km",
        )
    )
    return finish(fig, title, "Week starting (Monday)", "Running distance (km)")
