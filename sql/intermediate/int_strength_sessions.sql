-- int_strength_sessions: one row per logged strength session: its working sets, the categories it covers and whether it counts for its program week.
-- incremental: athlete_id, week_start
-- counted: the session has at least one working set of every category the week's phase requires
-- (METRICS.md); null when the session falls outside every enrolment.
SELECT
    s.*,
    w.program_week,
    w.phase_name,
    w.required_categories,
    CASE
        WHEN w.week_start IS NOT NULL THEN list_has_all(s.categories, w.required_categories)
    END AS counted
FROM int_strength_session_sets AS s
LEFT JOIN int_program_weeks AS w
    ON s.athlete_id = w.athlete_id AND s.week_start = w.week_start
