-- mart_adherence_athlete: each enrolled athlete's adherence to date, band, phase, progression and whether they are falling behind.
-- Cumulative figures and band are those of the weeks that have ended (the week in progress is left out
-- until it ends). last4_session_adherence covers the latest falling_behind_weeks complete weeks.
-- falling_behind: it is below the athlete's band threshold (adherence_high for high, adherence_medium
-- for medium and low: a low-band athlete who is not catching up); only once the athlete has that many
-- complete weeks. reached_single_leg: any single-leg
-- set logged in a phase that requires or prescribes single-leg work.
WITH thresholds AS (
    SELECT
        adherence_high,
        adherence_medium,
        falling_behind_weeks
    FROM settings
),

latest AS (
    SELECT *
    FROM int_adherence_cumulative
    QUALIFY row_number() OVER (PARTITION BY athlete_id ORDER BY week_start DESC) = 1
),

recent AS (
    SELECT
        w.athlete_id,
        sum(w.credited_sessions) / nullif(sum(w.prescribed_sessions), 0) AS last4_session_adherence
    FROM (
        SELECT
            *,
            row_number() OVER (PARTITION BY athlete_id ORDER BY week_start DESC) AS weeks_back
        FROM int_adherence_weekly
        WHERE week_complete
    ) AS w
    CROSS JOIN thresholds AS t
    WHERE w.weeks_back <= t.falling_behind_weeks
    GROUP BY ALL
),

progression AS (
    SELECT
        athlete_id,
        bool_or(single_leg_phase AND single_leg_sets > 0) AS reached_single_leg
    FROM int_adherence_weekly
    GROUP BY ALL
)

SELECT
    l.athlete_id,
    a.display_name,
    l.program_id,
    pr.name AS program_name,
    l.enrolled_weeks,
    l.completed_weeks,
    l.cumulative_session_adherence,
    l.cumulative_dose_adherence AS dose_adherence,
    l.adherence_band,
    l.phase_name AS current_phase,
    l.program_week AS current_program_week,
    p.reached_single_leg,
    r.last4_session_adherence,
    CASE l.adherence_band WHEN 'high' THEN t.adherence_high ELSE t.adherence_medium END
        AS falling_behind_threshold,
    coalesce(
        l.completed_weeks >= t.falling_behind_weeks
        AND r.last4_session_adherence
        < CASE l.adherence_band WHEN 'high' THEN t.adherence_high ELSE t.adherence_medium END,
        FALSE
    ) AS falling_behind
FROM latest AS l
CROSS JOIN thresholds AS t
LEFT JOIN athletes AS a ON l.athlete_id = a.athlete_id
LEFT JOIN programs AS pr ON l.program_id = pr.program_id
LEFT JOIN recent AS r ON l.athlete_id = r.athlete_id
LEFT JOIN progression AS p ON l.athlete_id = p.athlete_id
ORDER BY l.athlete_id
