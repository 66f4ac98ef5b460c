-- int_strength_session_sets: one row per logged strength session: its day, working sets, the categories it covers and its mean RPE.
-- incremental: athlete_id
-- The session's own facts, whatever the program says: int_strength_sessions adds its program week.
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
