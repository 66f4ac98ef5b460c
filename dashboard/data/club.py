"""Club-wide rows for coaches only: every function refuses a member viewer."""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboard.accounts.viewer import Viewer
from dashboard.data.serving import coach_only, select

# Data health lists at most this many files (or rejected rows), newest first: a club's first run
# receives its whole history at once, and a few hundred thousand rows help no one in a table.
FILE_ROWS_SHOWN = 1000


def athletes(viewer: Viewer, name_contains: str = "") -> pl.DataFrame:
    """The roster, optionally only names or ids containing some text."""
    coach_only(viewer)
    return select(
        """SELECT * FROM mart_athletes
        WHERE $text = '' OR contains(lower(display_name), lower($text))
           OR contains(lower(athlete_id), lower($text))
        ORDER BY display_name""",
        text=name_contains.strip(),
    )


def _weekly_rows(mart: str, viewer: Viewer, start: date | None, end: date | None) -> pl.DataFrame:
    """A club-wide weekly mart, for the weeks overlapping the period, oldest first."""
    coach_only(viewer)
    # query_table: the mart's name is a bound parameter too, never pasted into the SQL.
    return select(
        """SELECT * FROM query_table($mart)
        WHERE ($start IS NULL OR week_start + 6 >= $start) AND ($end IS NULL OR week_start <= $end)
        ORDER BY week_start""",
        mart=mart,
        start=start,
        end=end,
    )


def club_weekly(viewer: Viewer, start: date | None = None, end: date | None = None) -> pl.DataFrame:
    """Club volume, active members and median adherence per week."""
    return _weekly_rows("mart_club_weekly", viewer, start, end)


def club_adherence(viewer: Viewer) -> pl.DataFrame:
    """Every enrolled athlete's cumulative adherence, band, whether they are falling behind and
    whether their baseline assessment is missing."""
    coach_only(viewer)
    return select(
        """SELECT a.*, coalesce(s.status = 'no_baseline', true) AS baseline_missing
        FROM mart_adherence_athlete AS a LEFT JOIN mart_assessment_status AS s USING (athlete_id)
        ORDER BY a.falling_behind DESC, a.cumulative_session_adherence, a.display_name"""
    )


def _athlete_weekly_rows(
    mart: str, viewer: Viewer, start: date | None, end: date | None
) -> pl.DataFrame:
    """Every athlete's rows of a per-athlete weekly mart (which carries their names) for the weeks
    overlapping the period, by name then week."""
    coach_only(viewer)
    return select(
        """SELECT * FROM query_table($mart)
        WHERE ($start IS NULL OR week_start + 6 >= $start) AND ($end IS NULL OR week_start <= $end)
        ORDER BY display_name, week_start""",
        mart=mart,
        start=start,
        end=end,
    )


def club_adherence_weekly(
    viewer: Viewer, start: date | None = None, end: date | None = None
) -> pl.DataFrame:
    """Each enrolled athlete's weekly session adherence, with names."""
    return _athlete_weekly_rows("mart_adherence_weekly", viewer, start, end)


def club_strength_weekly(
    viewer: Viewer, start: date | None = None, end: date | None = None
) -> pl.DataFrame:
    """Every athlete's weekly strength progression state beside that week's adherence, with names."""
    return _athlete_weekly_rows("mart_strength_progress_weekly", viewer, start, end)


def adherence_by_phase(viewer: Viewer) -> pl.DataFrame:
    """Median and mean session adherence per program week and phase."""
    coach_only(viewer)
    return select("SELECT * FROM mart_adherence_by_phase ORDER BY program_week, phase_name")


def injury_incidence(
    viewer: Viewer, case_definition: str = "running_related_injury"
) -> pl.DataFrame:
    """Injury rates per 1000 h with CIs, club-wide and by comparison group, for one case definition."""
    coach_only(viewer)
    return select(
        """SELECT * FROM mart_injury_incidence WHERE case_definition = $case
        ORDER BY CASE comparison WHEN 'club' THEN 0 WHEN 'adherence_band' THEN 1 ELSE 2 END,
                 CASE group_label WHEN 'high' THEN 0 WHEN 'medium' THEN 1 WHEN 'low' THEN 2 ELSE 3 END,
                 group_label""",
        case=case_definition,
    )


def injury_adjusted(
    viewer: Viewer, case_definition: str = "running_related_injury"
) -> pl.DataFrame:
    """Adjusted rate ratios of each adherence band vs the reference (Poisson GEE), with why not
    where they cannot be estimated."""
    coach_only(viewer)
    return select(
        """SELECT * FROM mart_injury_adjusted WHERE case_definition = $case
        ORDER BY CASE group_label WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END""",
        case=case_definition,
    )


def ostrc_weekly(
    viewer: Viewer, start: date | None = None, end: date | None = None
) -> pl.DataFrame:
    """Weekly OSTRC problem prevalence with CIs."""
    return _weekly_rows("mart_ostrc_weekly", viewer, start, end)


def ostrc_area_weekly(
    viewer: Viewer, start: date | None = None, end: date | None = None
) -> pl.DataFrame:
    """Weekly OSTRC problem prevalence per body area, with CIs."""
    return _weekly_rows("mart_ostrc_area_weekly", viewer, start, end)


def ostrc_summary(viewer: Viewer) -> pl.DataFrame:
    """Mean weekly prevalence of any and of substantial problems, with CIs."""
    coach_only(viewer)
    return select("SELECT * FROM mart_ostrc_summary ORDER BY measure")


def at_risk(viewer: Viewer) -> pl.DataFrame:
    """Athletes flagged this week, one row per reason."""
    coach_only(viewer)
    return select("SELECT * FROM mart_at_risk ORDER BY display_name, reason")


def club_pace_trends(viewer: Viewer, trend_window: str = "last_12_weeks") -> pl.DataFrame:
    """Every athlete's pace-trend slope and CI for one window, with names."""
    coach_only(viewer)
    return select(
        """SELECT t.*, a.display_name FROM mart_pace_trends AS t
        JOIN mart_athletes AS a USING (athlete_id)
        WHERE t.trend_window = $window ORDER BY t.slope_s_per_km_per_4wk""",
        window=trend_window,
    )


def club_pace_before_after(viewer: Viewer) -> pl.DataFrame:
    """Every enrolled athlete's grade-adjusted pace before and after enrolment, with names."""
    coach_only(viewer)
    return select(
        """SELECT b.*, a.display_name FROM mart_pace_before_after AS b
        JOIN mart_athletes AS a USING (athlete_id) ORDER BY b.change_s_per_km"""
    )


def publish_runs(viewer: Viewer) -> pl.DataFrame:
    """The serving file's publish record (generation, time, run, files, blocked reason, the tables
    it rewrote and the settings the models used)."""
    coach_only(viewer)
    return select(
        """SELECT generation, published_at, run_id, source_files, blocked_reason, replaced_marts,
        settings FROM serving_meta ORDER BY generation DESC"""
    )


def received_files(
    viewer: Viewer,
    start: date | None = None,
    end: date | None = None,
    name_contains: str = "",
    status: str = "",
    limit: int = FILE_ROWS_SHOWN,
) -> pl.DataFrame:
    """The newest `limit` received files and their outcome, filtered by date, name text and status."""
    coach_only(viewer)
    return select(
        """SELECT * FROM mart_data_health_files
        WHERE ($start IS NULL OR CAST(received_at AS DATE) >= $start)
          AND ($end IS NULL OR CAST(received_at AS DATE) <= $end)
          AND ($text = '' OR contains(lower(original_name), lower($text)))
          AND ($status = '' OR status = $status)
        ORDER BY received_at DESC
        LIMIT $limit""",
        start=start,
        end=end,
        text=name_contains.strip(),
        status=status,
        limit=limit,
    )


def received_period(viewer: Viewer) -> tuple[date | None, date | None]:
    """First and last day a file was received."""
    coach_only(viewer)
    frame = select(
        """SELECT CAST(min(received_at) AS DATE) AS first, CAST(max(received_at) AS DATE) AS last
        FROM mart_data_health_files"""
    )
    return frame["first"][0], frame["last"][0]


def file_status_counts(viewer: Viewer) -> pl.DataFrame:
    """How many files were received each week (by the week they arrived), per outcome."""
    coach_only(viewer)
    return select(
        """SELECT date_trunc('week', received_at)::DATE AS week_start, status, count(*) AS files
        FROM mart_data_health_files GROUP BY ALL ORDER BY week_start, status"""
    )


def file_problems(
    viewer: Viewer,
    start: date | None = None,
    end: date | None = None,
    name_contains: str = "",
    limit: int = FILE_ROWS_SHOWN,
) -> pl.DataFrame:
    """The newest `limit` rejected files and rows with the reason and what to do."""
    coach_only(viewer)
    return select(
        """SELECT * FROM mart_data_health_errors
        WHERE ($start IS NULL OR CAST(recorded_at AS DATE) >= $start)
          AND ($end IS NULL OR CAST(recorded_at AS DATE) <= $end)
          AND ($text = '' OR contains(lower(file_name), lower($text)))
        ORDER BY recorded_at DESC, file_name, row_number
        LIMIT $limit""",
        start=start,
        end=end,
        text=name_contains.strip(),
        limit=limit,
    )


def unmapped_exercises(viewer: Viewer) -> pl.DataFrame:
    """Logged exercise names the catalog does not know yet, most frequent first."""
    coach_only(viewer)
    return select(
        "SELECT * FROM mart_unmapped_exercises ORDER BY occurrences DESC, exercise_logged"
    )


def check_results(viewer: Viewer) -> pl.DataFrame:
    """The data-quality checks of the last run, failures first."""
    coach_only(viewer)
    return select("SELECT * FROM mart_check_results ORDER BY passed, severity, check_name")


def followup_queue(viewer: Viewer) -> pl.DataFrame:
    """Problems the coach has not classified yet: reports first, then OSTRC problems, oldest first."""
    coach_only(viewer)
    return select(
        """SELECT * FROM mart_problems WHERE needs_follow_up
        ORDER BY source DESC, first_date, display_name, problem_id"""
    )


def classified_problems(viewer: Viewer) -> pl.DataFrame:
    """Every classified problem, most recently classified first."""
    coach_only(viewer)
    return select(
        "SELECT * FROM mart_problems WHERE classified_at IS NOT NULL ORDER BY classified_at DESC"
    )


def club_checkin_weeks(viewer: Viewer, since: date | None = None) -> pl.DataFrame:
    """Every member's answered weeks and whether each answer was late (from `since` on, when given)."""
    coach_only(viewer)
    return select(
        """SELECT athlete_id, week_start, late FROM mart_checkin_weeks
        WHERE $since IS NULL OR week_start >= $since
        ORDER BY athlete_id, week_start""",
        since=since,
    )


def club_assessment_status(viewer: Viewer) -> pl.DataFrame:
    """Every athlete's assessment status with names: no baseline first, then due for a re-test."""
    coach_only(viewer)
    return select(
        """SELECT s.*, a.display_name FROM mart_assessment_status AS s
        JOIN mart_athletes AS a USING (athlete_id)
        ORDER BY s.status = 'current', s.status = 'due', s.retest_due_on, a.display_name"""
    )


def club_latest_assessments(viewer: Viewer, test: str) -> pl.DataFrame:
    """Each athlete's latest value of every measure and side of one test, with names."""
    coach_only(viewer)
    return select(
        """SELECT * FROM mart_assessment_latest WHERE test = $test
        ORDER BY measure, display_name, side""",
        test=test,
    )


def club_worsened(viewer: Viewer) -> pl.DataFrame:
    """Every re-test value worse than baseline beyond the test's noise, with names, newest first."""
    coach_only(viewer)
    return select(
        """SELECT a.display_name, r.athlete_id, r.test, r.test_name, r.measure, r.measure_name,
               r.side, r.baseline_on, r.assessed_on, r.value, r.baseline_value, r.change, r.unit,
               r.assessor_changed
        FROM mart_assessment_results AS r
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
