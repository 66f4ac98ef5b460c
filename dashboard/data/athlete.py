"""One athlete's rows: a member always gets their own, a coach the athlete they chose."""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboard.accounts.viewer import Viewer
from dashboard.data.serving import select, subject


def athlete_profile(viewer: Viewer, athlete_id: str | None = None) -> pl.DataFrame:
    """The athlete's name, training group and enrolment."""
    return select(
        "SELECT * FROM mart_athletes WHERE athlete_id = $athlete",
        athlete=subject(viewer, athlete_id),
    )


def _weekly_rows(
    mart: str, viewer: Viewer, start: date | None, end: date | None, athlete_id: str | None
) -> pl.DataFrame:
    """The athlete's rows of a weekly mart, for the weeks overlapping the period, oldest first."""
    # query_table: the mart's name is a bound parameter too, never pasted into the SQL.
    return select(
        """SELECT * FROM query_table($mart)
        WHERE athlete_id = $athlete
          AND ($start IS NULL OR week_start + 6 >= $start) AND ($end IS NULL OR week_start <= $end)
        ORDER BY week_start""",
        mart=mart,
        athlete=subject(viewer, athlete_id),
        start=start,
        end=end,
    )


def athlete_weekly(
    viewer: Viewer,
    start: date | None = None,
    end: date | None = None,
    athlete_id: str | None = None,
) -> pl.DataFrame:
    """Weekly volume, load (fitness, fatigue, form) and median pace figures."""
    return _weekly_rows("mart_athlete_weekly", viewer, start, end, athlete_id)


def athlete_runs(
    viewer: Viewer,
    start: date | None = None,
    end: date | None = None,
    name_contains: str = "",
    athlete_id: str | None = None,
) -> pl.DataFrame:
    """Every counted run, newest first, optionally only those whose name contains some text."""
    return select(
        """SELECT * FROM mart_athlete_runs
        WHERE athlete_id = $athlete
          AND ($start IS NULL OR local_date >= $start) AND ($end IS NULL OR local_date <= $end)
          AND ($text = '' OR contains(lower(name), lower($text)))
        ORDER BY start_local DESC""",
        athlete=subject(viewer, athlete_id),
        start=start,
        end=end,
        text=name_contains.strip(),
    )


def best_efforts(
    viewer: Viewer,
    start: date | None = None,
    end: date | None = None,
    athlete_id: str | None = None,
) -> pl.DataFrame:
    """Fastest 1 km, 5 km and 10 km in the period, with the run each came from."""
    return select(
        """WITH runs AS (
            SELECT local_date, name, best_1k_s, best_5k_s, best_10k_s FROM mart_athlete_runs
            WHERE athlete_id = $athlete
              AND ($start IS NULL OR local_date >= $start) AND ($end IS NULL OR local_date <= $end)
        ), efforts AS (
            UNPIVOT runs ON best_1k_s, best_5k_s, best_10k_s INTO NAME effort VALUE seconds
        )
        SELECT CASE effort WHEN 'best_1k_s' THEN '1 km' WHEN 'best_5k_s' THEN '5 km' ELSE '10 km' END
                   AS distance,
               min(seconds) AS best_s,
               arg_min(local_date, seconds) AS run_date,
               arg_min(name, seconds) AS run_name
        FROM efforts GROUP BY effort ORDER BY best_s""",
        athlete=subject(viewer, athlete_id),
        start=start,
        end=end,
    )


def pace_trend(viewer: Viewer, athlete_id: str | None = None) -> pl.DataFrame:
    """Theil-Sen trend of weekly grade-adjusted pace, per window."""
    return select(
        "SELECT * FROM mart_pace_trends WHERE athlete_id = $athlete ORDER BY trend_window",
        athlete=subject(viewer, athlete_id),
    )


def pace_before_after(viewer: Viewer, athlete_id: str | None = None) -> pl.DataFrame:
    """Median grade-adjusted pace before enrolment and in weeks 7-12 after."""
    return select(
        "SELECT * FROM mart_pace_before_after WHERE athlete_id = $athlete",
        athlete=subject(viewer, athlete_id),
    )


def adherence_weekly(
    viewer: Viewer,
    start: date | None = None,
    end: date | None = None,
    athlete_id: str | None = None,
) -> pl.DataFrame:
    """Prescribed and counted strength sessions per enrolled week."""
    return _weekly_rows("mart_adherence_weekly", viewer, start, end, athlete_id)


def adherence_summary(viewer: Viewer, athlete_id: str | None = None) -> pl.DataFrame:
    """Cumulative adherence, band and current phase (no row when not enrolled)."""
    return select(
        "SELECT * FROM mart_adherence_athlete WHERE athlete_id = $athlete",
        athlete=subject(viewer, athlete_id),
    )


def program_due(viewer: Viewer, athlete_id: str | None = None) -> pl.DataFrame:
    """This week's prescribed and done sets per exercise category."""
    return select(
        "SELECT * FROM mart_program_due WHERE athlete_id = $athlete ORDER BY category",
        athlete=subject(viewer, athlete_id),
    )


def strength_days(
    viewer: Viewer,
    start: date | None = None,
    end: date | None = None,
    athlete_id: str | None = None,
) -> pl.DataFrame:
    """Strength work per calendar day: sets, glute sets and sessions that counted."""
    return select(
        """SELECT local_date, week_start, isodow(local_date) AS weekday,
                  count(*) AS sessions, sum(sets) AS sets, sum(glute_sets) AS glute_sets,
                  sum(single_leg_sets) AS single_leg_sets, count(*) FILTER (WHERE counted) AS counted
        FROM mart_strength_sessions
        WHERE athlete_id = $athlete
          AND ($start IS NULL OR local_date >= $start) AND ($end IS NULL OR local_date <= $end)
        GROUP BY ALL ORDER BY local_date""",
        athlete=subject(viewer, athlete_id),
        start=start,
        end=end,
    )


def athlete_injuries(
    viewer: Viewer,
    start: date | None = None,
    end: date | None = None,
    athlete_id: str | None = None,
) -> pl.DataFrame:
    """Injuries in the coach's log, newest first."""
    return select(
        """SELECT * FROM mart_athlete_injuries
        WHERE athlete_id = $athlete
          AND ($start IS NULL OR onset_date >= $start) AND ($end IS NULL OR onset_date <= $end)
        ORDER BY onset_date DESC""",
        athlete=subject(viewer, athlete_id),
        start=start,
        end=end,
    )


def athlete_ostrc(
    viewer: Viewer,
    start: date | None = None,
    end: date | None = None,
    athlete_id: str | None = None,
) -> pl.DataFrame:
    """Weekly OSTRC-O2 answers and severity."""
    return _weekly_rows("mart_athlete_ostrc", viewer, start, end, athlete_id)


def athlete_files(viewer: Viewer, athlete_id: str | None = None) -> pl.DataFrame:
    """Files received for the athlete and what the last run made of them, newest first."""
    return select(
        "SELECT * FROM mart_data_health_files WHERE athlete_id = $athlete ORDER BY received_at DESC",
        athlete=subject(viewer, athlete_id),
    )


def athlete_file_problems(viewer: Viewer, athlete_id: str | None = None) -> pl.DataFrame:
    """Why the athlete's rejected files or rows could not be used, and what to do."""
    return select(
        """SELECT * FROM mart_data_health_errors WHERE athlete_id = $athlete
        ORDER BY recorded_at DESC, file_name, row_number""",
        athlete=subject(viewer, athlete_id),
    )


def ostrc_questions(viewer: Viewer, current_only: bool = True) -> pl.DataFrame:
    """The OSTRC questions and options (the current version's, or every version's), in order."""
    del viewer  # the questionnaire is the same for everyone; the argument keeps the call uniform
    return select(
        """SELECT * FROM mart_ostrc_questions WHERE current OR NOT $current_only
        ORDER BY instrument_version, question, code""",
        current_only=current_only,
    )


def ostrc_areas(viewer: Viewer) -> pl.DataFrame:
    """The club's body areas, in the club file's order (anyone logged in)."""
    del viewer
    return select("SELECT * FROM mart_ostrc_areas ORDER BY position")


def ostrc_area_labels(viewer: Viewer) -> dict[str, str]:
    """The club's body areas by code, as members read them ("hip_groin" -> "Hip/groin")."""
    areas = ostrc_areas(viewer)
    return dict(zip(areas["area"].to_list(), areas["label"].to_list(), strict=True))


def checkin_entries(viewer: Viewer, athlete_id: str | None = None) -> pl.DataFrame:
    """Every check-in the athlete gave in the app, corrections included, newest first."""
    return select(
        """SELECT * FROM mart_checkin_entries WHERE athlete_id = $athlete
        ORDER BY entered_at DESC""",
        athlete=subject(viewer, athlete_id),
    )


def checkin_weeks(viewer: Viewer, athlete_id: str | None = None) -> pl.DataFrame:
    """The weeks the athlete's check-in counts for, oldest first."""
    return select(
        "SELECT * FROM mart_checkin_weeks WHERE athlete_id = $athlete ORDER BY week_start",
        athlete=subject(viewer, athlete_id),
    )


def athlete_problems(viewer: Viewer, athlete_id: str | None = None) -> pl.DataFrame:
    """The athlete's reported and OSTRC problems with the coach's classification, newest first."""
    return select(
        """SELECT * FROM mart_problems WHERE athlete_id = $athlete
        ORDER BY first_date DESC, problem_id""",
        athlete=subject(viewer, athlete_id),
    )
