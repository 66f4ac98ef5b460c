"""Assessment rows (issue 17, docs/ASSESSMENTS.md): the test catalogue and one athlete's results (a
member always their own); the club-wide ones are in club.py."""

from __future__ import annotations

import polars as pl

from dashboard.accounts.viewer import Viewer
from dashboard.data.serving import select, subject


def assessment_catalog(viewer: Viewer) -> pl.DataFrame:
    """The club's test catalogue, one row per test x measure (entered and derived), in its order."""
    return select("SELECT * FROM mart_assessment_catalog ORDER BY display_order")


def athlete_assessments(viewer: Viewer, athlete_id: str | None = None) -> pl.DataFrame:
    """Every assessed value of the athlete in view with its baseline and change, oldest first."""
    return select(
        """SELECT * FROM mart_assessment_results WHERE athlete_id = $athlete
        ORDER BY test, measure, side, assessed_on""",
        athlete=subject(viewer, athlete_id),
    )


def athlete_assessment_status(viewer: Viewer, athlete_id: str | None = None) -> pl.DataFrame:
    """The athlete's baseline, last assessment and re-test date (one row, or none)."""
    return select(
        "SELECT * FROM mart_assessment_status WHERE athlete_id = $athlete",
        athlete=subject(viewer, athlete_id),
    )
