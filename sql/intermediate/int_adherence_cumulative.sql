-- int_adherence_cumulative: each athlete's cumulative session and dose adherence through every enrolled week, and the band it puts them in.
-- incremental: athlete_id, week_start
-- Cumulative = sum of min(counted, prescribed) / sum of prescribed over enrolled weeks to date; bands
-- from settings (high >= adherence_high, medium >= adherence_medium, else low; Viiala 2025). Only
-- complete weeks count: the week in progress carries the figures of the weeks before it until it ends.
-- enrolled_weeks counts every enrolled week to date, completed_weeks the ended ones.
-- attributed_week = week_start + adherence_lag_weeks: injuries and running hours of that week are
-- attributed to this week's band (injured runners stop lifting, so the band is taken before onset).
WITH thresholds AS (
    SELECT
        adherence_high,
        adherence_medium,
        (7 * adherence_lag_weeks)::INTEGER AS lag_days
    FROM settings
),

counted_weeks AS (
    SELECT
        athlete_id,
        program_id,
        week_start,
        program_week,
        phase_name,
        week_complete,
        CASE WHEN week_complete THEN credited_sessions ELSE 0 END AS credited_sessions,
        CASE WHEN week_complete THEN prescribed_sessions ELSE 0 END AS prescribed_sessions,
        CASE WHEN week_complete THEN credited_sets ELSE 0 END AS credited_sets,
        CASE WHEN week_complete THEN prescribed_sets ELSE 0 END AS prescribed_sets
    FROM int_adherence_weekly
),

to_date AS (
    SELECT
        athlete_id,
        program_id,
        week_start,
        program_week,
        phase_name,
        count(*) OVER running AS enrolled_weeks,
        count_if(week_complete) OVER running AS completed_weeks,
        (sum(credited_sessions) OVER running)::BIGINT AS credited_sessions_to_date,
        (sum(prescribed_sessions) OVER running)::BIGINT AS prescribed_sessions_to_date,
        (sum(credited_sets) OVER running)::BIGINT AS credited_sets_to_date,
        (sum(prescribed_sets) OVER running)::BIGINT AS prescribed_sets_to_date
    FROM counted_weeks
    WINDOW running AS (
        PARTITION BY athlete_id ORDER BY week_start ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    )
),

ratios AS (
    SELECT
        *,
        credited_sessions_to_date
        / nullif(prescribed_sessions_to_date, 0) AS cumulative_session_adherence,
        credited_sets_to_date / nullif(prescribed_sets_to_date, 0) AS cumulative_dose_adherence
    FROM to_date
)

SELECT
    r.*,
    CASE
        WHEN r.cumulative_session_adherence >= t.adherence_high THEN 'high'
        WHEN r.cumulative_session_adherence >= t.adherence_medium THEN 'medium'
        WHEN r.cumulative_session_adherence IS NOT NULL THEN 'low'
    END AS adherence_band,
    r.week_start + t.lag_days AS attributed_week
FROM ratios AS r
CROSS JOIN thresholds AS t
