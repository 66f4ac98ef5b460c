-- int_strength_progress: each athlete's progression state per exercise after each session with a progress measure, and the ready-to-progress hint.
-- incremental: athlete_id, week_start
-- state: int_strength_exercise_states.
-- ready_to_progress (double progression, METRICS.md): every working set reached the top of the phase's
-- prescribed rep range at RPE <= strength_ready_max_rpe; null (no hint) when RPE is missing on a set,
-- outside an enrolment and for timed holds; ready_note says which.
WITH t AS (SELECT s.strength_ready_max_rpe FROM settings AS s),

with_range AS (
    SELECT
        s.* EXCLUDE (state),  -- noqa: RF02
        w.phase_name,
        p.rep_range_low,
        p.rep_range_high,
        s.state
    FROM int_strength_exercise_states AS s
    LEFT JOIN int_program_weeks AS w
        ON s.athlete_id = w.athlete_id AND s.week_start = w.week_start
    LEFT JOIN program_phases AS p
        ON w.program_id = p.program_id AND w.phase_index = p.phase_index
)

SELECT
    r.*,
    CASE
        WHEN r.progress = 'hold' OR r.rep_range_high IS NULL THEN NULL
        WHEN r.min_reps < r.rep_range_high THEN FALSE
        WHEN NOT r.rpe_on_every_set THEN NULL
        ELSE r.max_rpe <= t.strength_ready_max_rpe
    END AS ready_to_progress,
    CASE
        WHEN r.progress = 'hold' THEN 'no hint: a timed hold has no rep range'
        WHEN r.rep_range_high IS NULL THEN 'no hint: outside a program phase'
        WHEN r.min_reps < r.rep_range_high
            THEN format('not yet: a set below {} reps', r.rep_range_high)
        WHEN NOT r.rpe_on_every_set THEN 'no hint: RPE not logged on every set'
        WHEN r.max_rpe <= t.strength_ready_max_rpe
            THEN
                format(
                    'all sets at {}+ reps, RPE <= {:g}', r.rep_range_high, t.strength_ready_max_rpe
                )
        ELSE format('not yet: RPE above {:g}', t.strength_ready_max_rpe)
    END AS ready_note
FROM with_range AS r
CROSS JOIN t
