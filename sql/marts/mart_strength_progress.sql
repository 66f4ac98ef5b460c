-- mart_strength_progress: per athlete, exercise and session, the working-set figures, the progress measure, the progression state and the ready-to-progress hint.
-- incremental: athlete_id, week_start
-- Sessions whose exercise has no progress measure (a loaded exercise done only in sets of more than
-- strength_e1rm_max_reps reps) are left out. is_latest_session marks each athlete's last session of
-- the exercise: the coach's "ready to progress" list reads those rows.
SELECT
    athlete_id,
    exercise_id,
    exercise_name,
    session_id,
    local_date,
    week_start,
    session_number,
    progress,
    progress_measure_name,
    progress_measure,
    previous_best,
    recent_best,
    is_new_best,
    sessions_since_best,
    state,
    working_sets,
    total_reps,
    volume_load_kg,
    top_set_load_kg,
    top_set_reps,
    best_e1rm_kg,
    best_reps_x_band_level,
    best_hold_s,
    min_reps,
    max_rpe,
    phase_name,
    rep_range_low,
    rep_range_high,
    ready_to_progress,
    ready_note,
    session_number = max(session_number) OVER (PARTITION BY athlete_id, exercise_id)
        AS is_latest_session
FROM int_strength_progress
ORDER BY athlete_id, exercise_id, session_number
