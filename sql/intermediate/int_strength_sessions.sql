-- int_strength_sessions: one row per logged strength session: its working sets, the categories it covers and whether it counts for its program week.
-- counted: the session has at least one working set of every category the week's phase requires
-- (METRICS.md); null when the session falls outside every enrolment.
WITH sessions AS (
    SELECT
        athlete_id,
        session_id,
        min(local_date) AS local_date,
        min(week_start) AS week_start,
        count(*) AS sets,
        count_if(is_glute)::BIGINT AS glute_sets,
        count_if(is_single_leg)::BIGINT AS single_leg_sets,
        list_sort(list_distinct(flatten(list(categories)))) AS categories,
        avg(rpe ORDER BY rpe) AS mean_rpe
    FROM stg_strength_sets
    GROUP BY athlete_id, session_id
)

SELECT
    s.*,
    w.program_week,
    w.phase_name,
    w.required_categories,
    CASE
        WHEN w.week_start IS NOT NULL THEN list_has_all(s.categories, w.required_categories)
    END AS counted
FROM sessions AS s
LEFT JOIN int_program_weeks AS w
    ON s.athlete_id = w.athlete_id AND s.week_start = w.week_start
