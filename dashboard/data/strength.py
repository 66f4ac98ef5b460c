"""Strength progression rows (issue 18): one athlete's exercises and weekly sets by exercise group (a
member always their own), and the club's ready-to-progress list (coach only; the club's weekly
states are read in dashboard.data.club with the other per-athlete weekly marts)."""

from __future__ import annotations

import polars as pl

from dashboard.accounts.viewer import Viewer
from dashboard.data.serving import coach_only, select, subject


def athlete_strength_progress(viewer: Viewer, athlete_id: str | None = None) -> pl.DataFrame:
    """Every session of every exercise of the athlete in view, with its figures and state."""
    return select(
        """SELECT * FROM mart_strength_progress WHERE athlete_id = $athlete
        ORDER BY exercise_name, session_number""",
        athlete=subject(viewer, athlete_id),
    )


def athlete_strength_groups(viewer: Viewer, athlete_id: str | None = None) -> pl.DataFrame:
    """The athlete in view's working sets per week and exercise group."""
    return select(
        """SELECT * FROM mart_strength_weekly_groups WHERE athlete_id = $athlete
        ORDER BY week_start, group_order""",
        athlete=subject(viewer, athlete_id),
    )


def club_ready_to_progress(viewer: Viewer) -> pl.DataFrame:
    """Exercises whose latest session met the ready-to-progress hint, per athlete, with names."""
    coach_only(viewer)
    return select(
        """SELECT p.*, a.display_name FROM mart_strength_progress AS p
        JOIN mart_athletes AS a USING (athlete_id)
        WHERE p.is_latest_session AND p.ready_to_progress
        ORDER BY a.display_name, p.exercise_name"""
    )
