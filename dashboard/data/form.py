"""Running-form rows (issue 18, METRICS.md "Running form"): one athlete's weekly medians against
their baseline (a member always their own), and the club's members with persistent asymmetry."""

from __future__ import annotations

import polars as pl

from dashboard.accounts.viewer import Viewer
from dashboard.data.serving import coach_only, select, subject


def athlete_form_weekly(viewer: Viewer, athlete_id: str | None = None) -> pl.DataFrame:
    """The athlete in view's weekly running-form medians with their baseline, metric by metric."""
    return select(
        """SELECT * FROM mart_form_weekly WHERE athlete_id = $athlete
        ORDER BY display_order, week_start""",
        athlete=subject(viewer, athlete_id),
    )


def club_form_asymmetry(viewer: Viewer) -> pl.DataFrame:
    """Members whose ground contact balance stayed off 50% for weeks in a row (coach only)."""
    coach_only(viewer)
    return select("SELECT * FROM mart_form_asymmetry ORDER BY ongoing DESC, last_week DESC")
