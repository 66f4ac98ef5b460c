-- int_session_load: the training load of every session (runs, other sports, strength) and how it was estimated.
-- incremental: athlete_id
-- week-local
-- Activities: the athlete's RPE stored on the watch (FIT workout_rpe, CR-10) x minutes when there is one
-- (the club enters RPE for strength sets only), else TRIMP (Banister, computed at parse time) when the
-- file has HR, else minutes x default_load_per_minute (Banister TRIMP per minute at dHR 0.6, unknown-sex weighting).
-- Strength: session RPE x minutes (Foster 2001) with the mean set RPE and an estimated
-- strength_minutes_per_set per working set (logs rarely hold a session duration); no RPE logged:
-- minutes x default_load_per_minute. Session RPE and
-- TRIMP are different scales summed into one daily load: read CTL/ATL/ACWR as trends, not absolutes.
WITH thresholds AS (
    SELECT
        strength_minutes_per_set,
        default_load_per_minute
    FROM settings
),

activity_load AS (
    SELECT
        a.athlete_id,
        a.activity_id AS session_id,
        a.local_date,
        a.week_start,
        CASE WHEN a.is_running THEN 'run' ELSE 'other_sport' END AS session_kind,
        a.duration_min AS minutes,
        coalesce(
            d.watch_rpe * a.duration_min, a.trimp, a.duration_min * t.default_load_per_minute
        ) AS load,
        CASE
            WHEN d.watch_rpe IS NOT NULL THEN 'watch_rpe'
            WHEN a.trimp IS NOT NULL THEN 'trimp'
            ELSE 'default_intensity'
        END AS load_method
    FROM stg_activities AS a
    CROSS JOIN thresholds AS t
    LEFT JOIN activity_dynamics AS d ON a.activity_id = d.activity_id
    WHERE a.duration_min > 0
),

strength_load AS (
    SELECT
        s.athlete_id,
        s.session_id,
        s.local_date,
        s.week_start,
        'strength' AS session_kind,
        s.sets * t.strength_minutes_per_set AS minutes,
        s.sets * t.strength_minutes_per_set
        * coalesce(s.mean_rpe, t.default_load_per_minute) AS load,
        CASE WHEN s.mean_rpe IS NOT NULL THEN 'session_rpe' ELSE 'default_intensity' END
            AS load_method
    FROM int_strength_session_sets AS s
    CROSS JOIN thresholds AS t
)

SELECT * FROM activity_load
UNION ALL
SELECT * FROM strength_load
