-- mart_program_due: what each currently enrolled athlete's phase asks for this week, per category, against what is logged.
-- "This week" is the latest data week. Categories are those the phase prescribes sets for or requires
-- in every session (required_each_session).
WITH this_week AS (
    SELECT w.*
    FROM int_program_weeks AS w
    INNER JOIN int_data_as_of AS d ON w.week_start = d.as_of_week
),

categories AS (
    SELECT
        athlete_id,
        week_start,
        program_id,
        phase_index,
        unnest(required_categories) AS category
    FROM this_week
    UNION
    SELECT
        w.athlete_id,
        w.week_start,
        w.program_id,
        w.phase_index,
        p.category
    FROM this_week AS w
    INNER JOIN program_phase_sets AS p
        ON w.program_id = p.program_id AND w.phase_index = p.phase_index
)

SELECT
    c.athlete_id,
    c.week_start,
    w.program_week,
    w.phase_name,
    c.category,
    coalesce(p.sets_per_week, 0) AS sets_prescribed,
    coalesce(d.sets, 0) AS sets_done,
    list_contains(w.required_categories, c.category) AS required_each_session,
    w.prescribed_sessions AS sessions_prescribed,
    a.counted_sessions AS sessions_counted
FROM categories AS c
INNER JOIN this_week AS w ON c.athlete_id = w.athlete_id AND c.week_start = w.week_start
INNER JOIN int_adherence_weekly AS a ON c.athlete_id = a.athlete_id AND c.week_start = a.week_start
LEFT JOIN program_phase_sets AS p
    ON c.program_id = p.program_id AND c.phase_index = p.phase_index AND c.category = p.category
LEFT JOIN int_weekly_sets_by_category AS d
    ON c.athlete_id = d.athlete_id AND c.week_start = d.week_start AND c.category = d.category
ORDER BY c.athlete_id, c.category
