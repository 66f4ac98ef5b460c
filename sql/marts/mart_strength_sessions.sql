-- mart_strength_sessions: every logged strength session with its working, glute and single-leg sets and whether it counted.
-- incremental: athlete_id, week_start
-- counted is null for a session outside any enrolment.
SELECT
    athlete_id,
    session_id,
    local_date,
    week_start,
    sets,
    glute_sets,
    single_leg_sets,
    counted,
    categories,
    mean_rpe,
    program_week,
    phase_name
FROM int_strength_sessions
ORDER BY athlete_id, local_date
