"""One athlete's charts for the member pages (and the coach's athlete view): frame in, Figure out."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard.charts.common import COLOURS, empty_figure, finish, pace_axis, weekly_km_bars
from dashboard.config import MetricSettings
from dashboard.formatting import CATEGORIES, load_units_text, pace_text_expr

WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def weekly_volume(weekly: pl.DataFrame) -> go.Figure:
    """Running km per week, with runs and hours on hover."""
    return weekly_km_bars(
        weekly,
        "Running volume per week",
        ("runs", "running_hours"),
        "Week of %{x|%d %b %Y}<br>%{y:.1f} km in %{customdata[0]} runs "
        "(%{customdata[1]:.1f} h)<extra></extra>",
    )


def pace_trend(weekly: pl.DataFrame) -> go.Figure:
    """Weekly median grade-adjusted pace (faster is higher)."""
    title = "Grade-adjusted pace, weekly median"
    rows = weekly.filter(pl.col("median_gap_s_per_km").is_not_null())
    if rows.is_empty():
        return empty_figure(title, "No runs with pace in the selected period")
    fig = go.Figure(
        go.Scatter(
            x=rows["week_start"],
            y=rows["median_gap_s_per_km"],
            mode="lines+markers",
            customdata=rows.select(pace_text_expr("median_gap_s_per_km"), "runs").to_numpy(),
            hovertemplate="Week of %{x|%d %b %Y}<br>%{customdata[0]} (%{customdata[1]} runs)"
            "<extra></extra>",
            line={"color": COLOURS["primary"]},
            name="Median pace",
        )
    )
    pace_axis(fig, rows["median_gap_s_per_km"])
    return finish(fig, title, "Week starting (Monday)", "Grade-adjusted pace (min/km, up = faster)")


def efficiency_trend(weekly: pl.DataFrame) -> go.Figure:
    """Weekly median efficiency factor (pace per heartbeat; higher is fitter)."""
    title = "Efficiency factor, weekly median (steady runs with heart rate)"
    rows = weekly.filter(pl.col("median_ef").is_not_null())
    if rows.is_empty():
        return empty_figure(title, "No steady runs with heart rate in the selected period")
    fig = go.Figure(
        go.Scatter(
            x=rows["week_start"],
            y=rows["median_ef"],
            mode="lines+markers",
            hovertemplate="Week of %{x|%d %b %Y}<br>EF %{y:.2f} m/min per beat<extra></extra>",
            line={"color": COLOURS["good"]},
            name="Efficiency factor",
        )
    )
    return finish(
        fig,
        title,
        "Week starting (Monday)",
        "Efficiency factor (m/min per beat)",
    )


def fitness_fatigue(weekly: pl.DataFrame, settings: MetricSettings) -> go.Figure:
    """Fitness (CTL), fatigue (ATL) and form (TSB) at the end of each week; the load axis names what
    the load is (the weeks' load_methods)."""
    title = "Fitness, fatigue and form"
    if weekly.is_empty():
        return empty_figure(title)
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=weekly["week_start"],
            y=weekly["tsb"],
            name="Form (TSB = fitness - fatigue)",
            marker_color=COLOURS["neutral"],
            opacity=0.5,
            hovertemplate="Week of %{x|%d %b}<br>form %{y:.0f} load units<extra></extra>",
        )
    )
    for column, name, colour in [
        ("ctl", f"Fitness (CTL): EWMA, {settings.ctl_days}-day time constant", COLOURS["primary"]),
        (
            "atl",
            f"Fatigue (ATL): EWMA, {settings.atl_days}-day time constant",
            COLOURS["secondary"],
        ),
    ]:
        fig.add_trace(
            go.Scatter(
                x=weekly["week_start"],
                y=weekly[column],
                name=name,
                mode="lines",
                line={"color": colour},
                hovertemplate=f"Week of %{{x|%d %b}}<br>{name.split(' (')[0].lower()} "
                "%{y:.0f} load units<extra></extra>",
            )
        )
    return finish(
        fig, title, "Week starting (Monday)", f"Daily training load ({load_units_text(weekly)})"
    )


def strength_calendar(days: pl.DataFrame) -> go.Figure:
    """A calendar of strength days: one cell per day, darker = more glute sets."""
    title = "Strength sessions calendar"
    if days.is_empty():
        return empty_figure(title, "No strength sessions logged in the selected period")
    sessions = days.with_columns(
        pl.col("weekday").cast(pl.Int64).sub(1).alias("day"),
        pl.when(pl.col("counted") > 0)
        .then(pl.lit("counts for the program"))
        .otherwise(pl.lit("did not count: a required exercise group was missing"))
        .alias("verdict"),
    )
    # every day of every week, empty where nothing was logged: given only the session days, plotly
    # stretches each cell halfway to the next one (a Tuesday drawn over Monday to Wednesday)
    weeks = pl.date_range(
        sessions["week_start"].min(), sessions["week_start"].max(), "1w", eager=True
    )
    rows = (
        pl.DataFrame({"week_start": weeks})
        .join(pl.DataFrame({"day": range(7)}, schema={"day": pl.Int64}), how="cross")
        .join(sessions, on=["week_start", "day"], how="left")
    )
    fig = go.Figure(
        go.Heatmap(
            x=rows["week_start"],
            y=rows["day"],
            z=rows["glute_sets"],
            # from a light green, not white: a session without glute sets still shows as a day
            colorscale=[[0.0, "#c7e9c0"], [1.0, "#00441b"]],
            zmin=0,
            colorbar={"title": "glute sets"},
            xgap=2,
            ygap=2,
            hoverongaps=False,
            customdata=rows.select(
                pl.col("local_date").dt.strftime("%a %d %b %Y"),
                pl.col("sets").cast(pl.String),
                "verdict",
            ).to_numpy(),
            hovertemplate="%{customdata[0]}<br>%{z} glute sets of %{customdata[1]} sets"
            "<br>%{customdata[2]}<extra></extra>",
        )
    )
    # weekdays as numbers with day names as tick labels: a category order on a heatmap's axis
    # makes plotly.js fail to draw it at all (the calendar came out blank, 0 px high)
    fig.update_yaxes(
        tickmode="array", tickvals=list(range(7)), ticktext=list(WEEKDAYS), autorange="reversed"
    )
    return finish(fig, title, "Week starting (Monday)", "Day of the week")


def weekly_adherence(weekly: pl.DataFrame) -> go.Figure:
    """Counted strength sessions against the prescription, per program week."""
    title = "Strength sessions per week: done vs prescribed"
    if weekly.is_empty():
        return empty_figure(title, "No enrolled weeks in the selected period")
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=weekly["week_start"],
            y=weekly["counted_sessions"],
            name="Sessions that counted",
            marker_color=COLOURS["good"],
            customdata=weekly.select(
                "program_week",
                "phase_name",
                pl.when(pl.col("week_complete"))
                .then(pl.format("{}% of prescribed", (pl.col("session_adherence") * 100).round(0)))
                .otherwise(pl.lit("so far: the week is in progress"))
                .alias("share"),
            ).to_numpy(),
            hovertemplate="Week of %{x|%d %b} (program week %{customdata[0]}, %{customdata[1]})"
            "<br>%{y} sessions counted, %{customdata[2]}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=weekly["week_start"],
            y=weekly["prescribed_sessions"],
            name="Prescribed",
            mode="lines",
            line={"color": COLOURS["neutral"], "dash": "dash", "shape": "hv"},
            hovertemplate="%{y} sessions prescribed<extra></extra>",
        )
    )
    return finish(fig, title, "Week starting (Monday)", "Strength sessions")


def program_due(due: pl.DataFrame) -> go.Figure:
    """This week's sets per exercise group: done against prescribed."""
    title = "This week's strength work: sets done vs prescribed"
    if due.is_empty():
        return empty_figure(title, "No program prescription this week")
    rows = due.with_columns(
        pl.col("category").replace_strict(CATEGORIES, default=pl.col("category")).alias("group")
    )
    fig = go.Figure()
    for column, name, colour in [
        ("sets_prescribed", "Prescribed", COLOURS["neutral"]),
        ("sets_done", "Done", COLOURS["good"]),
    ]:
        fig.add_trace(
            go.Bar(
                y=rows["group"],
                x=rows[column],
                name=name,
                orientation="h",
                marker_color=colour,
                hovertemplate=f"%{{y}}<br>{name.lower()}: %{{x}} sets<extra></extra>",
            )
        )
    fig.update_layout(barmode="group", height=max(300, 70 * rows.height + 120))
    return finish(fig, title, "Sets this week", "Exercise group")


def ostrc_severity(answers: pl.DataFrame) -> go.Figure:
    """Weekly OSTRC severity score, substantial problems highlighted."""
    title = "Weekly health check-in (OSTRC severity, 0 = no problem)"
    if answers.is_empty():
        return empty_figure(title, "No check-ins in the selected period")
    rows = answers.with_columns(
        pl.when(pl.col("substantial_problem"))
        .then(pl.lit("substantial problem"))
        .when(pl.col("problem"))
        .then(pl.lit("problem"))
        .otherwise(pl.lit("no problem"))
        .alias("verdict")
    )
    colours = {
        "substantial problem": COLOURS["warn"],
        "problem": COLOURS["secondary"],
        "no problem": COLOURS["good"],
    }
    fig = go.Figure(
        go.Bar(
            x=rows["week_start"],
            y=rows["severity"],
            marker_color=rows["verdict"].replace_strict(colours),
            customdata=rows["verdict"].to_list(),
            hovertemplate="Week of %{x|%d %b %Y}<br>severity %{y} of 100<br>%{customdata}<extra></extra>",
            name="Severity",
        )
    )
    fig.update_yaxes(range=[0, 100])
    return finish(fig, title, "Week starting (Monday)", "Severity score (0-100)")
