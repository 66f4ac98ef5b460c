-- mart_strength_progress_weekly: per athlete and week, the progression state of the exercises trained, beside that week's program adherence.
-- incremental: athlete_id, week_start
-- Each exercise trained in the week takes the state after its last session of the week; week_state is
-- the most common of those states, a tie going to the less favourable (regressing, then flat, then
-- progressing) so a problem is not hidden; first sessions only = 'first session'. Weeks without a
-- strength session keep their adherence with a null week_state. ready_exercises: exercises whose last
-- session of the week met the ready-to-progress hint (a suggestion; the coach decides). With the
-- athlete's name: the coach's page lists every member's weeks by name without a join per view.
WITH last_in_week AS (
    SELECT
        athlete_id,
        week_start,
        exercise_name,
        state,
        ready_to_progress
    FROM int_strength_progress
    QUALIFY
        row_number() OVER (
            PARTITION BY athlete_id, exercise_id, week_start ORDER BY session_number DESC
        ) = 1
),

weekly AS (
    SELECT
        athlete_id,
        week_start,
        count(*) AS exercises,
        count(*) FILTER (WHERE state = 'progressing') AS exercises_progressing,
        count(*) FILTER (WHERE state = 'flat') AS exercises_flat,
        count(*) FILTER (WHERE state = 'regressing') AS exercises_regressing,
        list_sort(list(exercise_name) FILTER (WHERE ready_to_progress)) AS ready_exercises
    FROM last_in_week
    GROUP BY athlete_id, week_start
),

states AS (
    SELECT
        *,
        CASE
            WHEN exercises_progressing + exercises_flat + exercises_regressing = 0
                THEN 'first session'
            WHEN exercises_regressing >= greatest(exercises_flat, exercises_progressing)
                THEN 'regressing'
            WHEN exercises_flat >= exercises_progressing THEN 'flat'
            ELSE 'progressing'
        END AS week_state
    FROM weekly
),

adherence AS (
    SELECT
        w.athlete_id,
        w.week_start,
        w.phase_name,
        w.session_adherence,
        c.adherence_band
    FROM int_adherence_weekly AS w
    INNER JOIN int_adherence_cumulative AS c
        ON w.athlete_id = c.athlete_id AND w.week_start = c.week_start
)

SELECT
    coalesce(s.athlete_id, a.athlete_id) AS athlete_id,
    n.display_name,
    coalesce(s.week_start, a.week_start) AS week_start,
    s.week_state,
    coalesce(s.exercises, 0) AS exercises,
    coalesce(s.exercises_progressing, 0) AS exercises_progressing,
    coalesce(s.exercises_flat, 0) AS exercises_flat,
    coalesce(s.exercises_regressing, 0) AS exercises_regressing,
    coalesce(s.ready_exercises, []::VARCHAR[]) AS ready_exercises,
    a.phase_name,
    a.session_adherence,
    a.adherence_band
FROM states AS s
FULL OUTER JOIN adherence AS a
    ON s.athlete_id = a.athlete_id AND s.week_start = a.week_start
INNER JOIN athletes AS n ON coalesce(s.athlete_id, a.athlete_id) = n.athlete_id
ORDER BY athlete_id, week_start
