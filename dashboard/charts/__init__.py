"""Plotly figures from polars frames; no Streamlit calls, every chart titled with unit-labelled axes."""

from dashboard.charts.assessments import assessment_trend, change_by_band, club_against_norm
from dashboard.charts.athlete import (
    efficiency_trend,
    fitness_fatigue,
    ostrc_severity,
    pace_trend,
    program_due,
    strength_calendar,
    weekly_adherence,
    weekly_volume,
)
from dashboard.charts.club import (
    adherence_by_phase,
    adherence_distribution,
    adherence_heatmap,
    club_volume,
    file_statuses,
    incidence_forest,
    ostrc_area_prevalence,
    ostrc_prevalence,
    pace_before_after,
    pace_slopes,
    pace_vs_adherence,
    rate_ratio_forest,
)
from dashboard.charts.strength import exercise_progress, progression_heatmap, weekly_group_sets

__all__ = [
    "exercise_progress",
    "progression_heatmap",
    "weekly_group_sets",
    "adherence_by_phase",
    "adherence_distribution",
    "adherence_heatmap",
    "assessment_trend",
    "change_by_band",
    "club_against_norm",
    "club_volume",
    "efficiency_trend",
    "file_statuses",
    "fitness_fatigue",
    "incidence_forest",
    "rate_ratio_forest",
    "ostrc_area_prevalence",
    "ostrc_prevalence",
    "ostrc_severity",
    "pace_before_after",
    "pace_slopes",
    "pace_vs_adherence",
    "pace_trend",
    "program_due",
    "strength_calendar",
    "weekly_adherence",
    "weekly_volume",
]
