"""The Python statistics models (what SQL does badly): each reads the tables its parameters name."""

from __future__ import annotations

from pipelines.transform.runner import PythonModel
from pipelines.transform.statistics.adjusted import adjusted_rate_ratios
from pipelines.transform.statistics.injuries import injury_incidence
from pipelines.transform.statistics.load import daily_load, extend_daily_load
from pipelines.transform.statistics.ostrc import ostrc_area_weekly, ostrc_summary, ostrc_weekly
from pipelines.transform.statistics.pace import extend_pace_trends, pace_trends

PYTHON_MODELS: tuple[PythonModel, ...] = (
    PythonModel(
        "int_daily_load",
        daily_load,
        "Daily load per athlete with CTL, ATL, TSB and EWMA ACWR (null before enough history).",
        extend=extend_daily_load,
        dated=True,
    ),
    PythonModel(
        "mart_pace_trends",
        pace_trends,
        "Theil-Sen trend of weekly median GAP with Sen's 95% CI, last 12 weeks and since program start.",
        extend=extend_pace_trends,
        dated=True,
    ),
    PythonModel(
        "mart_injury_incidence",
        injury_incidence,
        "Injuries per 1000 running hours with exact CIs; IRRs by adherence band and enrolment with exact and athlete-cluster bootstrap CIs.",
    ),
    PythonModel(
        "mart_injury_adjusted",
        adjusted_rate_ratios,
        "Adjusted injury rate ratios by adherence band: Poisson GEE on athlete-weeks, clustered by athlete.",
    ),
    PythonModel(
        "mart_ostrc_weekly",
        ostrc_weekly,
        "Weekly OSTRC-O2 prevalence of any and substantial problems with Wilson 95% CIs.",
    ),
    PythonModel(
        "mart_ostrc_area_weekly",
        ostrc_area_weekly,
        "Weekly OSTRC-O2 prevalence of any and substantial problems per body area with Wilson 95% CIs.",
    ),
    PythonModel(
        "mart_ostrc_summary",
        ostrc_summary,
        "Mean weekly OSTRC-O2 prevalence with an athlete-cluster bootstrap 95% CI.",
    ),
)
