-- int_program_weeks: one row per athlete and enrolled ISO week up to the latest data week, with that week's phase prescription.
-- incremental: athlete_id, week_start
-- program_week = floor((week_start - start_week) / 7) + 1; after the last phase the last phase's
-- prescription holds until the enrolment ends (CLUB_FILES.md). single_leg_phase marks phases that
-- require or prescribe single-leg work (the functional phase of the club's glute program).
-- week_complete: the week has ended by the latest data date; the week in progress is left out of
-- adherence figures until it ends (METRICS.md: never prescribed in full on its first day).
WITH enrolled_weeks AS (
    SELECT
        e.athlete_id,
        e.program_id,
        e.start_date AS enrolment_start,
        e.start_week,
        d.as_of_date,
        unnest(generate_series(
            e.start_week, least(coalesce(e.end_week, d.as_of_week), d.as_of_week), INTERVAL 7 DAY
        ))::DATE AS week_start
    FROM stg_enrolments AS e
    CROSS JOIN int_data_as_of AS d
),

numbered AS (
    SELECT
        *,
        datediff('day', start_week, week_start) // 7 + 1 AS program_week,
        week_start + 6 <= as_of_date AS week_complete
    FROM enrolled_weeks
),

phases AS (
    SELECT
        p.*,
        p.last_week = max(p.last_week) OVER (PARTITION BY p.program_id) AS is_last_phase,
        list_contains(p.required_categories, 'single_leg')
        OR EXISTS (
            SELECT 1
            FROM program_phase_sets AS s
            WHERE
                s.program_id = p.program_id
                AND s.phase_index = p.phase_index
                AND s.category = 'single_leg'
                AND s.sets_per_week > 0
        ) AS single_leg_phase
    FROM program_phases AS p
)

SELECT
    n.athlete_id,
    n.program_id,
    n.enrolment_start,
    n.start_week,
    n.week_start,
    n.program_week,
    n.week_complete,
    p.phase_index,
    p.phase_name,
    p.sessions_per_week AS prescribed_sessions,
    coalesce(p.required_categories, []::VARCHAR[]) AS required_categories,
    p.single_leg_phase
FROM numbered AS n
INNER JOIN phases AS p
    ON
        n.program_id = p.program_id
        AND (
            n.program_week BETWEEN p.first_week AND p.last_week
            OR (p.is_last_phase AND n.program_week > p.last_week)
        )
