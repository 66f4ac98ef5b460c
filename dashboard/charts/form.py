"""Running-form charts: one metric's weekly medians on easy runs against the member's baseline band,
device changes marked. Frames in (mart_form_weekly rows of one metric), figures out."""

from __future__ import annotations

from datetime import timedelta

import plotly.graph_objects as go
import polars as pl

from dashboard.charts.common import COLOURS, empty_figure, finish, mark_changes

DEVICE_CHANGED = "device changed"
# the band reaches half a week either side of the weeks shown, so one week still shows its band
BAND_MARGIN = timedelta(days=3)


def _baseline_band(rows: pl.DataFrame) -> go.Scatter:
    """The shaded baseline band (p25 to p75 of the easy baseline runs) across the weeks shown."""
    base = rows.row(0, named=True)
    start, end = rows["week_start"].min() - BAND_MARGIN, rows["week_start"].max() + BAND_MARGIN
    low, high = base["baseline_p25"], base["baseline_p75"]
    return go.Scatter(
        x=[start, end, end, start, start],
        y=[low, low, high, high, low],
        fill="toself",
        fillcolor=COLOURS["neutral"],
        opacity=0.2,
        line={"width": 0},
        hoverinfo="skip",
        name=f"Baseline band (middle half of baseline runs, {low:.4g}-{high:.4g})",
    )


def form_trend(rows: pl.DataFrame) -> go.Figure:
    """Weekly medians of one running-form metric on easy runs, the baseline median and band, and
    a dotted line where the recording device changed."""
    if rows.is_empty():
        return empty_figure("Running form", "No runs with running dynamics yet")
    first = rows.row(0, named=True)
    name, unit = first["metric_name"], first["unit"]
    title = f"{name}: weekly median on easy runs ({unit})"
    rows = rows.sort("week_start")
    weeks = rows.filter(pl.col("weekly_median").is_not_null())
    if weeks.is_empty():
        message = "Not recorded by this device" if name.endswith("balance") else "No easy runs"
        return empty_figure(title, message)
    fig = go.Figure()
    if first["baseline_median"] is not None:
        fig.add_trace(_baseline_band(rows))
        fig.add_trace(
            go.Scatter(
                x=[rows["week_start"].min() - BAND_MARGIN, rows["week_start"].max() + BAND_MARGIN],
                y=[first["baseline_median"]] * 2,
                mode="lines",
                line={"color": COLOURS["neutral"], "dash": "dash"},
                hoverinfo="skip",
                name=f"Baseline median ({first['baseline_median']:.4g} {unit})",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=weeks["week_start"],
            y=weeks["weekly_median"],
            mode="lines+markers",
            line={"color": COLOURS["primary"]},
            customdata=weeks.select(
                "easy_runs", "devices", pl.col("phase_name").fill_null("not in a program")
            ).to_numpy(),
            hovertemplate=f"Week of %{{x|%d %b %Y}}<br>%{{y:.4g}} {unit}, median of "
            "%{customdata[0]} easy runs<br>%{customdata[1]}<br>phase: %{customdata[2]}"
            "<extra></extra>",
            name="Weekly median",
        )
    )
    changed = rows.filter(pl.col("device_changed"))["week_start"]
    mark_changes(fig, changed, DEVICE_CHANGED, COLOURS["warn"])
    return finish(fig, title, "Week starting (Monday)", f"{name} ({unit})")
