"""Assessment rows (issue 17, docs/ASSESSMENTS.md): the catalogue, one athlete's results (a member
always their own) and the club-wide status, latest values and changes (coach only)."""

from __future__ import annotations

import polars as pl

from dashboard.accounts.viewer import Viewer
from dashboard.data.serving import coach_only, select, subject


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


def club_assessment_status(viewer: Viewer) -> pl.DataFrame:
    """Every athlete's assessment status with names: no baseline first, then due for a re-test."""
    coach_only(viewer)
    return select(
        """SELECT s.*, a.display_name FROM mart_assessment_status AS s
        JOIN mart_athletes AS a USING (athlete_id)
        ORDER BY s.status = 'current', s.status = 'due', s.retest_due_on, a.display_name"""
    )


def club_latest_assessments(viewer: Viewer) -> pl.DataFrame:
    """Each athlete's latest value of every test x measure x side, with names."""
    coach_only(viewer)
    return select(
        """SELECT r.*, a.display_name FROM mart_assessment_results AS r
        JOIN mart_athletes AS a USING (athlete_id)
        QUALIFY row_number() OVER (
            PARTITION BY r.athlete_id, r.test, r.measure, r.side ORDER BY r.assessed_on DESC
        ) = 1
        ORDER BY r.test, r.measure, a.display_name, r.side"""
    )


def club_worsened(viewer: Viewer) -> pl.DataFrame:
    """Every re-test value worse than baseline beyond the test's noise, with names, newest first."""
    coach_only(viewer)
    return select(
        """SELECT r.*, a.display_name FROM mart_assessment_results AS r
        JOIN mart_athletes AS a USING (athlete_id)
        WHERE r.direction = 'worse'
        ORDER BY r.assessed_on DESC, a.display_name, r.test, r.measure, r.side"""
    )


def club_change_counts(viewer: Viewer) -> pl.DataFrame:
    """Per adherence band and measure: how many re-test values were better or worse beyond the
    test's noise, or within it."""
    coach_only(viewer)
    return select(
        """SELECT coalesce(b.adherence_band, 'not_enrolled') AS adherence_band,
               r.test_name, r.measure_name,
               count(*) FILTER (WHERE r.direction = 'better') AS better,
               count(*) FILTER (WHERE r.direction = 'within_noise') AS within_noise,
               count(*) FILTER (WHERE r.direction = 'worse') AS worse
        FROM mart_assessment_results AS r
        LEFT JOIN mart_adherence_athlete AS b USING (athlete_id)
        WHERE r.assessed_on > r.baseline_on AND r.direction IS NOT NULL
        GROUP BY ALL ORDER BY r.test_name, r.measure_name, adherence_band"""
    )


def assessment_change_by_band(viewer: Viewer) -> pl.DataFrame:
    """Change per 12 weeks in hip abduction torque and squat 'good' share by adherence band (95% CI)."""
    coach_only(viewer)
    return select(
        """SELECT * FROM mart_assessment_change_by_band ORDER BY measure,
        list_position(['high', 'medium', 'low', 'not_enrolled'], adherence_band)"""
    )
