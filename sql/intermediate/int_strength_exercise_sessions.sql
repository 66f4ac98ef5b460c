-- int_strength_exercise_sessions: per athlete, exercise and session, the working-set figures strength progression reads.
-- incremental: athlete_id
-- Working sets only (stg_strength_sets drops warm-ups; Strong rest-timer rows are never sets), mapped
-- exercises only (an unmapped name is listed for the coach to map). METRICS.md, strength progression:
-- estimated 1RM (Epley) = load x (1 + reps / 30) from sets of 1 to strength_e1rm_max_reps reps with a
-- load; volume load = sum of reps x load; top set = the heaviest set (most reps among equals).
-- progress_measure: the catalogue's progress kind picks it: load = best estimated 1RM, reps = best
-- set's reps x band level (body-weight and band exercises), hold = longest hold in seconds.
WITH thresholds AS (
    SELECT strength_e1rm_max_reps
    FROM settings
),

sets AS (
    SELECT
        s.athlete_id,
        s.session_id,
        s.session_start_utc,
        s.local_date,
        s.week_start,
        s.exercise_id,
        c.name AS exercise_name,
        c.progress,
        s.reps,
        s.load_kg,
        s.rpe,
        s.duration_s,
        s.band_level,
        CASE
            WHEN s.load_kg > 0 AND s.reps BETWEEN 1 AND t.strength_e1rm_max_reps
                THEN s.load_kg * (1 + s.reps / 30)
        END AS e1rm_kg
    FROM stg_strength_sets AS s
    INNER JOIN exercise_catalog AS c ON s.exercise_id = c.exercise_id
    CROSS JOIN thresholds AS t
),

figures AS (
    SELECT
        athlete_id,
        exercise_id,
        session_id,
        any_value(exercise_name) AS exercise_name,
        any_value(progress) AS progress,
        min(session_start_utc) AS session_start_utc,
        min(local_date) AS local_date,
        min(week_start) AS week_start,
        count(*) AS working_sets,
        sum(reps) AS total_reps,
        sum(reps * load_kg ORDER BY reps * load_kg) AS volume_load_kg,
        max(load_kg) AS top_set_load_kg,
        arg_max(reps, { 'load': load_kg, 'reps': reps }) FILTER (WHERE load_kg > 0) AS top_set_reps,
        max(e1rm_kg) AS best_e1rm_kg,
        max(reps * band_level) AS best_reps_x_band_level,
        max(duration_s) AS best_hold_s,
        min(reps) AS min_reps,
        max(rpe) AS max_rpe,
        count(rpe) = count(*) AS rpe_on_every_set
    FROM sets
    GROUP BY athlete_id, exercise_id, session_id
)

SELECT
    *,
    CASE progress
        WHEN 'load' THEN best_e1rm_kg
        WHEN 'reps' THEN best_reps_x_band_level
        WHEN 'hold' THEN best_hold_s
    END AS progress_measure,
    CASE progress
        WHEN 'load' THEN 'estimated 1RM (Epley), kg'
        WHEN 'reps' THEN 'reps x band level'
        WHEN 'hold' THEN 'hold, seconds'
    END AS progress_measure_name
FROM figures
