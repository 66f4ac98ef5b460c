"""The models: SQL files under sql/ plus the Python models registered here (statistics SQL does badly)."""

from __future__ import annotations

from pipelines.transform.runner import PythonModel, SqlModel, discover_models, run_models
from pipelines.transform.statistics.injuries import injury_incidence
from pipelines.transform.statistics.load import daily_load
from pipelines.transform.statistics.ostrc import ostrc_summary, ostrc_weekly
from pipelines.transform.statistics.pace import pace_trends

PYTHON_MODELS: dict[str, PythonModel] = {
    model.name: model
    for model in (
        PythonModel(
            name="int_daily_load",
            fn=daily_load,
            depends_on=["int_session_load", "int_data_as_of"],
            description="Daily load per athlete with CTL, ATL, TSB and EWMA ACWR (null before enough history).",
        ),
        PythonModel(
            name="mart_pace_trends",
            fn=pace_trends,
            depends_on=["int_athlete_week_runs", "int_data_as_of", "athletes", "stg_enrolments"],
            description="Theil-Sen trend of weekly median GAP with Sen's 95% CI, last 12 weeks and since program start.",
        ),
        PythonModel(
            name="mart_injury_incidence",
            fn=injury_incidence,
            depends_on=["int_incidence_counts"],
            description="Injuries per 1000 running hours with exact CIs, and exact IRRs by adherence band and enrolment.",
        ),
        PythonModel(
            name="mart_ostrc_weekly",
            fn=ostrc_weekly,
            depends_on=["int_ostrc_weekly_counts"],
            description="Weekly OSTRC-O2 prevalence of any and substantial problems with Wilson 95% CIs.",
        ),
        PythonModel(
            name="mart_ostrc_summary",
            fn=ostrc_summary,
            depends_on=["mart_ostrc_weekly"],
            description="Mean weekly OSTRC-O2 prevalence with a t-based 95% CI across weeks.",
        ),
    )
}

__all__ = ["PYTHON_MODELS", "PythonModel", "SqlModel", "discover_models", "run_models"]
