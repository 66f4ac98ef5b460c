-- int_strength_progress: each athlete's progression state per exercise after each session with a progress measure, and the ready-to-progress hint.
-- state (settings): first session; progressing = a new best of the progress measure within the last
-- strength_flat_sessions sessions; flat = no new best for strength_flat_sessions sessions;
-- regressing = the measure is more than strength_regress_drop below the best of the
-- strength_recent_sessions sessions before it (checked before flat and an older best).
-- ready_to_progress (double progression, METRICS.md): every working set reached the top of the phase's
-- prescribed rep range at RPE <= strength_ready_max_rpe; null (no hint) when RPE is missing on a set,
-- outside an enrolment and for timed holds; ready_note says which.
WITH thresholds AS (
    SELECT
        strength_flat_sessions,
        strength_regress_drop,
        strength_ready_max_rpe
    FROM settings
),

t AS (SELECT s.strength_recent_sessions FROM settings AS s),

measured AS (
    SELECT
        m.*,
        t.strength_recent_sessions
    FROM int_strength_exercise_sessions AS m
    CROSS JOIN t
    WHERE m.progress_measure IS NOT NULL
),

ordered AS (
    SELECT
        *,
        row_number() OVER running AS session_number,
        max(progress_measure) OVER before_this AS previous_best,
        max(progress_measure) OVER (
            PARTITION BY athlete_id, exercise_id
            ORDER BY session_start_utc, session_id
            ROWS BETWEEN strength_recent_sessions PRECEDING AND 1 PRECEDING
        ) AS recent_best
    FROM measured
    WINDOW
        running AS (
            PARTITION BY athlete_id, exercise_id
            ORDER BY session_start_utc, session_id
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ),
        before_this AS (
            PARTITION BY athlete_id, exercise_id
            ORDER BY session_start_utc, session_id
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        )
),

flagged AS (
    SELECT
        * EXCLUDE (strength_recent_sessions),
        previous_best IS NULL OR progress_measure > previous_best AS is_new_best
    FROM ordered
),

since_best AS (
    SELECT
        *,
        session_number - max(CASE WHEN is_new_best THEN session_number END) OVER (
            PARTITION BY athlete_id, exercise_id
            ORDER BY session_number
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS sessions_since_best
    FROM flagged
),

with_range AS (
    SELECT
        s.*,
        w.phase_name,
        p.rep_range_low,
        p.rep_range_high
    FROM since_best AS s
    LEFT JOIN int_program_weeks AS w
        ON s.athlete_id = w.athlete_id AND s.week_start = w.week_start
    LEFT JOIN program_phases AS p
        ON w.program_id = p.program_id AND w.phase_index = p.phase_index
)

SELECT
    r.*,
    CASE
        WHEN r.previous_best IS NULL THEN 'first session'
        WHEN r.is_new_best THEN 'progressing'
        WHEN r.progress_measure < r.recent_best * (1 - t.strength_regress_drop) THEN 'regressing'
        WHEN r.sessions_since_best >= t.strength_flat_sessions THEN 'flat'
        ELSE 'progressing'
    END AS state,
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
CROSS JOIN thresholds AS t
