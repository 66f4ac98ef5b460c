-- int_strength_exercise_states: each athlete's progression state per exercise after each session with a progress measure.
-- incremental: athlete_id
-- state (settings): first session; progressing = a new best of the progress measure within the last
-- strength_flat_sessions sessions; flat = no new best for strength_flat_sessions sessions;
-- regressing = the measure is more than strength_regress_drop below the best of the
-- strength_recent_sessions sessions before it (checked before flat and an older best).
-- The athlete's own sessions decide it; int_strength_progress adds the program's rep range.
WITH thresholds AS (
    SELECT
        strength_flat_sessions,
        strength_regress_drop
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
)

SELECT
    s.*,
    CASE
        WHEN s.previous_best IS NULL THEN 'first session'
        WHEN s.is_new_best THEN 'progressing'
        WHEN s.progress_measure < s.recent_best * (1 - t.strength_regress_drop) THEN 'regressing'
        WHEN s.sessions_since_best >= t.strength_flat_sessions THEN 'flat'
        ELSE 'progressing'
    END AS state
FROM since_best AS s
CROSS JOIN thresholds AS t
