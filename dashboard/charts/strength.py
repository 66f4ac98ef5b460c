"""Strength progression charts: one exercise's progress measure over its sessions, weekly sets by
exercise group, and the club's members x weeks progression states beside adherence. Frames in
(mart_strength_* rows), figures out."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboard.charts.common import COLOURS, empty_figure, finish

# State -> (colour, code on the heatmap's discrete colour scale); no session = an empty cell.
STATE_COLOURS = {
    "regressing": COLOURS["warn"],
    "flat": "#f2c12e",
    "first session": COLOURS["neutral"],
    "progressing": COLOURS["good"],
}
GROUP_COLOURS = {
    "activation": "#9467bd",
    "hip extension": COLOURS["primary"],
    "single-leg": COLOURS["secondary"],
    "foot/ankle": "#8c564b",
    "core": COLOURS["neutral"],
}


def exercise_progress(sessions: pl.DataFrame) -> go.Figure:
    """One exercise's progress measure at each session (estimated 1RM, reps x band level or hold
    seconds, as the mart names it), each point coloured by the state it left the exercise in."""
    if sessions.is_empty():
        return empty_figure("Progress per session")
    first = sessions.row(0, named=True)
    measure = first["progress_measure_name"]
    # the top set and volume load only mean something for loaded exercises
    top_set = (
        "<br>top set %{customdata[2]} kg x %{customdata[3]}, volume load %{customdata[4]:.0f} kg"
        if first["progress"] == "load"
        else ""
    )
    title = f"{first['exercise_name']}: {measure} per session"
    fig = go.Figure(
        go.Scatter(
            x=sessions["local_date"],
            y=sessions["progress_measure"],
            mode="lines",
            line={"color": COLOURS["neutral"], "width": 1},
            hoverinfo="skip",
            name="all sessions",
            showlegend=False,
        )
    )
    for state, colour in STATE_COLOURS.items():
        rows = sessions.filter(pl.col("state") == state)
        if rows.is_empty():
            continue
        fig.add_trace(
            go.Scatter(
                x=rows["local_date"],
                y=rows["progress_measure"],
                mode="markers",
                marker={"color": colour, "size": 10},
                name=state,
                customdata=rows.select(
                    "working_sets",
                    "total_reps",
                    "top_set_load_kg",
                    "top_set_reps",
                    "volume_load_kg",
                ).to_numpy(),
                hovertemplate=f"%{{x|%d %b %Y}}<br>{measure}: %{{y:.1f}}<br>{state}"
                f"<br>%{{customdata[0]}} working sets, %{{customdata[1]}} reps{top_set}"
                "<extra></extra>",
            )
        )
    return finish(fig, title, "Session date", measure)


def weekly_group_sets(groups: pl.DataFrame) -> go.Figure:
    """Working sets per week, stacked by exercise group of the program."""
    title = "Working sets per week by exercise group"
    if groups.is_empty():
        return empty_figure(title)
    fig = go.Figure()
    for group in groups.sort("group_order")["exercise_group"].unique(maintain_order=True):
        rows = groups.filter(pl.col("exercise_group") == group)
        fig.add_trace(
            go.Bar(
                x=rows["week_start"],
                y=rows["sets"],
                name=group,
                marker_color=GROUP_COLOURS.get(group, COLOURS["neutral"]),
                hovertemplate=f"week of %{{x|%d %b}}<br>{group}: %{{y}} sets<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    return finish(fig, title, "Week starting (Monday)", "Working sets (warm-ups excluded)")


def _state_scale() -> list[list]:
    """A discrete colour scale: code i (0..3) of STATE_COLOURS gets its own colour band."""
    n = len(STATE_COLOURS)
    scale = []
    for i, colour in enumerate(STATE_COLOURS.values()):
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    return scale


def progression_heatmap(weekly: pl.DataFrame) -> go.Figure:
    """Members x weeks coloured by progression state, beside the same weeks' session adherence."""
    title = "Progression state (left) beside session adherence (right), per member and week"
    if weekly.is_empty():
        return empty_figure(title)
    codes = {state: i for i, state in enumerate(STATE_COLOURS)}
    rows = weekly.with_columns(
        code=pl.col("week_state").replace_strict(codes, default=None, return_dtype=pl.Float64),
        adherence_pct=pl.col("session_adherence") * 100,
        ready=pl.col("ready_exercises").list.join(", "),
    )
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.03,
        # short: on a phone each panel is about 110 px wide (the title says which is which)
        subplot_titles=("State", "Adherence (%)"),
    )
    fig.add_trace(
        go.Heatmap(
            x=rows["week_start"],
            y=rows["display_name"],
            z=rows["code"],
            zmin=-0.5,
            zmax=len(codes) - 0.5,
            colorscale=_state_scale(),
            showscale=False,
            customdata=rows.select(
                "week_state",
                "exercises_progressing",
                "exercises_flat",
                "exercises_regressing",
                "ready",
            ).to_numpy(),
            hovertemplate="%{y}, week of %{x|%d %b}<br>%{customdata[0]}: %{customdata[1]} "
            "progressing, %{customdata[2]} flat, %{customdata[3]} regressing"
            "<br>ready to progress (suggestion): %{customdata[4]}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Heatmap(
            x=rows["week_start"],
            y=rows["display_name"],
            z=rows["adherence_pct"],
            zmin=0,
            zmax=100,
            colorscale="RdYlGn",
            colorbar={"title": "%"},
            customdata=rows.select("phase_name", "adherence_band").to_numpy(),
            hovertemplate="%{y}, week of %{x|%d %b}<br>session adherence %{z:.0f}%"
            "<br>phase: %{customdata[0]}, band: %{customdata[1]}<extra></extra>",
        ),
        row=1,
        col=2,
    )
    for state, colour in STATE_COLOURS.items():  # a legend for the discrete state colours
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker={"color": colour, "size": 12},
                name=state,
                hoverinfo="skip",
            ),
            row=1,
            col=1,
        )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text="Week (Monday)")
    fig.update_layout(height=max(320, 28 * rows["display_name"].n_unique() + 160))
    return finish(fig, title, "Week (Monday)", "Member")
