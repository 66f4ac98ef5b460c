"""Club-wide charts for the coach pages: polars frame in, plotly Figure out."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard.charts.common import COLOURS, empty_figure, finish, pace_axis, weekly_km_bars
from dashboard.config import MetricSettings
from dashboard.formatting import COMPARISONS, FILE_STATUSES, pace_text_expr


def club_volume(weekly: pl.DataFrame) -> go.Figure:
    """Club running km per week, with runs and active members on hover."""
    return weekly_km_bars(
        weekly,
        "Club running volume per week",
        ("runs", "active_members", "running_hours"),
        "Week of %{x|%d %b %Y}<br>%{y:.0f} km<br>%{customdata[0]} runs by "
        "%{customdata[1]} members<br>%{customdata[2]:.1f} h<extra></extra>",
    )


def adherence_distribution(adherence: pl.DataFrame, settings: MetricSettings) -> go.Figure:
    """How many enrolled athletes sit at each level of cumulative session adherence."""
    title = "Strength-session adherence across enrolled athletes"
    if adherence.is_empty():
        return empty_figure(title, "Nobody is enrolled in a program yet")
    fig = go.Figure(
        go.Histogram(
            x=adherence["cumulative_session_adherence"] * 100,
            xbins={"start": 0, "end": 100.01, "size": 10},
            marker_color=COLOURS["primary"],
            hovertemplate="%{x}% of sessions<br>%{y} athletes<extra></extra>",
            name="Athletes",
        )
    )
    for share, label, side in [
        (settings.adherence_medium, "medium", "top left"),
        (settings.adherence_high, "high", "top right"),
    ]:
        fig.add_vline(
            x=share * 100,
            line_dash="dash",
            line_color=COLOURS["neutral"],
            annotation_text=f"{label} from {share:.0%}",
            annotation_position=side,
        )
    fig.update_xaxes(range=[0, 100])
    if adherence.height <= 20:
        fig.update_yaxes(dtick=1)
    return finish(fig, title, "Adherence to date (% of prescribed)", "Athletes")


def adherence_by_phase(by_phase: pl.DataFrame) -> go.Figure:
    """Median session adherence per program week, coloured by phase."""
    title = "Median session adherence by program week"
    if by_phase.is_empty():
        return empty_figure(title, "No enrolled weeks yet")
    fig = go.Figure()
    for (phase,), rows in by_phase.group_by("phase_name", maintain_order=True):
        fig.add_trace(
            go.Scatter(
                x=rows["program_week"],
                y=rows["median_session_adherence"] * 100,
                customdata=rows.select(
                    "athletes", pl.col("mean_session_adherence") * 100
                ).to_numpy(),
                mode="lines+markers",
                name=str(phase),
                hovertemplate=f"{phase}, week %{{x}}<br>median %{{y:.0f}}%, mean "
                "%{customdata[1]:.0f}%<br>%{customdata[0]} athletes<extra></extra>",
            )
        )
    fig.update_yaxes(range=[0, 105])
    return finish(fig, title, "Program week", "Median session adherence (%)")


def adherence_heatmap(weekly: pl.DataFrame) -> go.Figure:
    """Each enrolled athlete's weekly session adherence: gaps show who is falling behind."""
    title = "Weekly session adherence per athlete"
    if weekly.is_empty():
        return empty_figure(title)
    fig = go.Figure(
        go.Heatmap(
            x=weekly["week_start"],
            y=weekly["display_name"],
            z=weekly["session_adherence"] * 100,
            zmin=0,
            zmax=100,
            colorscale="RdYlGn",
            colorbar={"title": "%"},
            customdata=weekly.select(
                "counted_sessions", "prescribed_sessions", "phase_name"
            ).to_numpy(),
            hovertemplate="%{y}, week of %{x|%d %b}<br>%{customdata[0]} of %{customdata[1]} sessions "
            "(%{z:.0f}%)<br>phase: %{customdata[2]}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=max(300, 28 * weekly["display_name"].n_unique() + 120))
    return finish(fig, title, "Week starting (Monday)", "Athlete")


def incidence_forest(incidence: pl.DataFrame) -> go.Figure:
    """Injury rate per 1000 running hours with 95% CIs per group: a forest plot, observational."""
    title = "Injuries per 1000 running hours (association, not causation)"
    if incidence.is_empty():
        return empty_figure(title, "No injury data for this case definition")
    rows = incidence.with_columns(
        (
            pl.col("comparison").replace_strict(COMPARISONS, default=pl.col("comparison"))
            + pl.lit(": ")
            + pl.col("group_label")
        ).alias("label"),
        pl.when(pl.col("group_label") == pl.col("reference_group"))
        .then(pl.lit("reference group for the rate ratios"))
        .when(pl.col("irr").is_null())
        .then(pl.lit(""))
        .otherwise(
            pl.format(
                "crude rate ratio vs {}: {} (exact conditional CI {} to {}; athlete cluster "
                "bootstrap CI {} to {})",
                pl.col("reference_group"),
                pl.col("irr").round(2),
                pl.col("irr_ci_low").round(2),
                pl.col("irr_ci_high").round(2),
                pl.col("irr_cluster_ci_low").round(2),
                pl.col("irr_cluster_ci_high").round(2),
            )
        )
        .alias("ratio_text"),
    )
    fig = go.Figure(
        go.Scatter(
            x=rows["rate_per_1000h"],
            y=rows["label"],
            mode="markers",
            marker={"size": 10, "color": COLOURS["primary"]},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (rows["ci_high"] - rows["rate_per_1000h"]).to_list(),
                "arrayminus": (rows["rate_per_1000h"] - rows["ci_low"]).to_list(),
            },
            customdata=rows.select("ci_low", "ci_high", "cases", "hours", "ratio_text").to_numpy(),
            hovertemplate="%{y}<br>%{x:.1f} per 1000 h (exact Poisson 95% CI %{customdata[0]:.1f} to "
            "%{customdata[1]:.1f})<br>%{customdata[2]} cases in %{customdata[3]:.0f} h"
            "<br>%{customdata[4]}<extra></extra>",
            name="Rate",
        )
    )
    club = rows.filter(pl.col("comparison") == "club")
    if not club.is_empty():
        fig.add_vline(
            x=club["rate_per_1000h"][0],
            line_dash="dot",
            line_color=COLOURS["neutral"],
            annotation_text="whole club",
            annotation_position="top",
        )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(rangemode="tozero")
    fig.update_layout(height=max(320, 45 * rows.height + 120))
    return finish(fig, title, "Injuries per 1000 h of running (95% CI)", "Group")


RATIO_TICKS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]


def rate_ratio_forest(incidence: pl.DataFrame, adjusted: pl.DataFrame) -> go.Figure:
    """Crude and adjusted injury rate ratios of each adherence band vs the reference, with 95% CIs
    on a log axis: observational associations."""
    title = "Injury rate ratio by adherence band, crude and adjusted (association, not causation)"
    crude = incidence.filter(
        pl.col("comparison") == "adherence_band",
        pl.col("group_label") != pl.col("reference_group"),
        pl.col("irr_cluster_ci_low").is_not_null(),
        pl.col("irr_cluster_ci_high").is_not_null(),
        pl.col("irr") > 0,
    )
    fitted = adjusted.filter(pl.col("irr").is_not_null())
    if crude.is_empty() and fitted.is_empty():
        return empty_figure(
            title,
            "Not enough injuries in the bands<br>to bound a rate ratio's interval yet:<br>"
            "each band's cases, hours and crude ratio<br>are in the table below",
        )
    fig = go.Figure()
    for rows, name, low, high, symbol, colour, detail in (
        (
            crude,
            "Crude (athlete cluster bootstrap CI)",
            "irr_cluster_ci_low",
            "irr_cluster_ci_high",
            "circle",
            COLOURS["primary"],
            pl.format("{} cases in {} h", pl.col("cases"), pl.col("hours").round(0)),
        ),
        (
            fitted,
            "Adjusted (Poisson GEE, robust CI)",
            "ci_low",
            "ci_high",
            "diamond",
            COLOURS["secondary"],
            pl.format(
                "{} athletes, {} athlete-weeks, {} cases; adjusted for {}",
                "athletes",
                "athlete_weeks",
                "cases",
                "adjusted_for",
            ),
        ),
    ):
        if rows.is_empty():
            continue
        fig.add_trace(
            go.Scatter(
                x=rows["irr"],
                y=rows.select(pl.format("{} vs {}", "group_label", "reference_group"))
                .to_series()
                .to_list(),
                mode="markers",
                name=name,
                marker={"size": 11, "symbol": symbol, "color": colour},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": (rows[high] - rows["irr"]).to_list(),
                    "arrayminus": (rows["irr"] - rows[low]).to_list(),
                },
                customdata=rows.select(low, high, detail.alias("detail")).to_numpy(),
                hovertemplate=f"{name}<br>%{{y}}: %{{x:.2f}} (95% CI %{{customdata[0]:.2f}} to "
                "%{customdata[1]:.2f})<br>%{customdata[2]}<extra></extra>",
            )
        )
    fig.add_vline(x=1, line_color=COLOURS["neutral"], annotation_text="no difference")
    # every tick labelled in full: plotly's own log ticks print 0.2 and 0.5 as "2" and "5"
    fig.update_xaxes(type="log", tickvals=RATIO_TICKS, ticktext=[f"{v:g}" for v in RATIO_TICKS])
    fig.update_yaxes(autorange="reversed")
    return finish(fig, title, "Rate ratio vs the low band (log scale)", "Band")


def _prevalence_line(
    weekly: pl.DataFrame, value: str, low: str, high: str, name: str, colour: str | None = None
) -> go.Scatter:
    """A weekly prevalence line in %, its 95% CI and the respondents in the hover."""
    return go.Scatter(
        x=weekly["week_start"],
        y=weekly[value] * 100,
        mode="lines+markers",
        name=name,
        line={"color": colour} if colour else None,
        customdata=weekly.select(pl.col(low) * 100, pl.col(high) * 100, "respondents").to_numpy(),
        hovertemplate=f"{name}, week of %{{x|%d %b %Y}}<br>%{{y:.0f}}% (Wilson 95% CI "
        "%{customdata[0]:.0f} to %{customdata[1]:.0f}%)<br>%{customdata[2]} answered"
        "<extra></extra>",
    )


def ostrc_prevalence(weekly: pl.DataFrame) -> go.Figure:
    """Weekly share of respondents reporting any and substantial problems, with 95% CI bands."""
    title = "Health problems reported each week (OSTRC)"
    if weekly.is_empty():
        return empty_figure(title, "No OSTRC answers in the selected period")
    fig = go.Figure()
    series = [
        ("any", "Any problem", COLOURS["secondary"]),
        ("substantial", "Substantial problem", COLOURS["warn"]),
    ]
    for key, name, colour in series:
        value = "prevalence_any" if key == "any" else "prevalence_substantial"
        low, high = f"{key}_ci_low", f"{key}_ci_high"
        fig.add_trace(
            go.Scatter(
                x=pl.concat([weekly["week_start"], weekly["week_start"].reverse()]),
                y=pl.concat([weekly[high], weekly[low].reverse()]) * 100,
                fill="toself",
                fillcolor=colour,
                opacity=0.15,
                line={"width": 0},
                hoverinfo="skip",
                showlegend=False,
            )
        )
        fig.add_trace(_prevalence_line(weekly, value, low, high, name, colour))
    fig.update_yaxes(rangemode="tozero")
    _respondent_bars(fig, weekly)
    return finish(fig, title, "Week starting (Monday)", "Respondents with a problem (%)")


def _respondent_bars(fig: go.Figure, weekly: pl.DataFrame) -> None:
    """How many members answered each week, as faint bars on a right-hand axis behind the lines: a
    week that one member answered shows as the one answer it is, not as a club at 0% or 100%."""
    answered = weekly.group_by("week_start").agg(pl.col("respondents").max()).sort("week_start")
    fig.add_trace(
        go.Bar(
            x=answered["week_start"],
            y=answered["respondents"],
            name="Members who answered",
            marker={"color": COLOURS["neutral"]},
            opacity=0.18,
            showlegend=False,  # the right axis names it
            yaxis="y2",
            hovertemplate="Week of %{x|%d %b %Y}: %{y} answered<extra></extra>",
        )
    )
    fig.update_layout(
        yaxis2={
            "title": "Members who answered",
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            "showgrid": False,
            "automargin": True,
            "tickformat": "d",  # whole members
            "tickmode": "auto",
            "nticks": 5,
        }
    )


def ostrc_area_prevalence(by_area: pl.DataFrame) -> go.Figure:
    """Weekly share of respondents with a problem in each body area (answers per area only)."""
    title = "Problems reported each week by body area (OSTRC)"
    rows = by_area.filter(pl.col("area") != "all")
    if rows.is_empty():
        return empty_figure(title, "No per-area OSTRC answers in the selected period")
    fig = go.Figure()
    for (label,), area in rows.sort("week_start").group_by("area_label", maintain_order=True):
        fig.add_trace(_prevalence_line(area, "prevalence_any", "any_ci_low", "any_ci_high", label))
    fig.update_yaxes(rangemode="tozero")
    _respondent_bars(fig, rows)
    return finish(fig, title, "Week starting (Monday)", "Respondents with a problem there (%)")


def pace_vs_adherence(trends: pl.DataFrame, adherence: pl.DataFrame) -> go.Figure:
    """One dot per enrolled athlete: their pace-trend slope against their strength adherence."""
    title = "Pace trend against strength adherence (one dot per member; below 0 = faster)"
    rows = trends.filter(pl.col("slope_s_per_km_per_4wk").is_not_null()).join(
        adherence.select("athlete_id", "cumulative_session_adherence", "adherence_band"),
        on="athlete_id",
    )
    if rows.is_empty():
        return empty_figure(title, "No enrolled member has a pace trend yet")
    fig = go.Figure(
        go.Scatter(
            x=rows["cumulative_session_adherence"] * 100,
            y=rows["slope_s_per_km_per_4wk"],
            mode="markers",
            marker={"color": COLOURS["primary"], "size": 9},
            text=rows["display_name"],
            customdata=rows["adherence_band"],
            hovertemplate="%{text}: adherence %{x:.0f}% (%{customdata})<br>"
            "%{y:+.1f} s/km per 4 weeks<extra></extra>",
            name="Members",
        )
    )
    fig.add_hline(y=0, line={"color": COLOURS["neutral"], "dash": "dot"})
    return finish(
        fig,
        title,
        "Adherence to date (% of prescribed)",
        "Pace trend (s/km per 4 weeks)",
    )


def pace_slopes(trends: pl.DataFrame) -> go.Figure:
    """Each athlete's pace-trend slope with its 95% CI (left of zero = getting faster)."""
    title = "Pace trend per athlete (s/km per 4 weeks; below 0 = faster)"
    rows = trends.filter(pl.col("slope_s_per_km_per_4wk").is_not_null())
    if rows.is_empty():
        return empty_figure(title, "Not enough weeks of runs to estimate trends")
    colours = {"improving": COLOURS["good"], "slower": COLOURS["warn"]}
    fig = go.Figure(
        go.Scatter(
            x=rows["slope_s_per_km_per_4wk"],
            y=rows["display_name"],
            mode="markers",
            marker={
                "size": 10,
                "color": rows["direction"].replace_strict(colours, default=COLOURS["neutral"]),
            },
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (rows["ci_high"] - rows["slope_s_per_km_per_4wk"]).to_list(),
                "arrayminus": (rows["slope_s_per_km_per_4wk"] - rows["ci_low"]).to_list(),
            },
            customdata=rows.select("ci_low", "ci_high", "direction", "n_weeks").to_numpy(),
            hovertemplate="%{y}: %{x:+.1f} s/km per 4 weeks (95% CI %{customdata[0]:+.1f} to "
            "%{customdata[1]:+.1f})<br>%{customdata[2]}, %{customdata[3]} weeks<extra></extra>",
            name="Slope",
        )
    )
    fig.add_vline(x=0, line_color=COLOURS["neutral"])
    fig.update_layout(height=max(320, 28 * rows.height + 120))
    return finish(fig, title, "Grade-adjusted pace change (s/km/4 wk)", "Athlete")


def pace_before_after(rows: pl.DataFrame) -> go.Figure:
    """Median grade-adjusted pace before enrolment and in weeks 7-12 after, per athlete."""
    title = "Grade-adjusted pace before and after enrolment"
    rows = rows.drop_nulls(["gap_before_s_per_km", "gap_after_s_per_km"])
    if rows.is_empty():
        return empty_figure(title, "No athlete has runs both before and after enrolment yet")
    rows = rows.with_columns(
        pace_text_expr("gap_before_s_per_km").alias("before_text"),
        pace_text_expr("gap_after_s_per_km").alias("after_text"),
    )
    fig = go.Figure()
    for column, text, name, colour in [
        ("gap_before_s_per_km", "before_text", "6 weeks before", COLOURS["neutral"]),
        ("gap_after_s_per_km", "after_text", "Weeks 7-12 after", COLOURS["primary"]),
    ]:
        fig.add_trace(
            go.Scatter(
                x=rows[column],
                y=rows["display_name"],
                mode="markers",
                name=name,
                marker={"size": 11, "color": colour},
                customdata=rows[text].to_list(),
                hovertemplate=f"%{{y}}, {name.lower()}: %{{customdata}}<extra></extra>",
            )
        )
    pace_axis(fig, pl.concat([rows["gap_before_s_per_km"], rows["gap_after_s_per_km"]]), axis="x")
    fig.update_layout(height=max(320, 28 * rows.height + 140))
    return finish(fig, title, "Median pace (min/km; right = faster)", "Athlete")


def file_statuses(counts: pl.DataFrame) -> go.Figure:
    """Files received each week, stacked by outcome (used, rejected, already known)."""
    title = "Files received per week, by outcome"
    if counts.is_empty():
        return empty_figure(title, "No files received yet")
    fig = go.Figure()
    colours = {"ingested": COLOURS["good"], "rejected": COLOURS["warn"]}
    for (status,), weekly in counts.group_by("status", maintain_order=True):
        label = FILE_STATUSES.get(status, status)
        fig.add_trace(
            go.Bar(
                x=weekly["week_start"],
                y=weekly["files"],
                name=label,
                marker_color=colours.get(status, COLOURS["neutral"]),
                hovertemplate=f"{label}, week of %{{x|%d %b %Y}}: %{{y}} files<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    return finish(fig, title, "Week received (Monday)", "Files")
