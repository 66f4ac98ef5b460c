-- int_adherence_weekly: session and dose adherence of every athlete in every enrolled week.
-- incremental: athlete_id, week_start
-- session_adherence = min(1, counted / prescribed); credited_sessions = min(counted, prescribed) feeds the
-- cumulative figure. dose_adherence = sum over categories of min(done, prescribed sets) / sum prescribed sets.
-- single_leg_share = single-leg sets / glute sets (null without glute sets). The week in progress
-- (week_complete false) shows what is logged so far but has no adherence until it ends.
WITH sessions AS (
    SELECT
        athlete_id,
        week_start,
        count(*) AS logged_sessions,
        count_if(counted)::BIGINT AS counted_sessions,
        sum(glute_sets)::BIGINT AS glute_sets,
        sum(single_leg_sets)::BIGINT AS single_leg_sets
    FROM int_strength_sessions
    GROUP BY ALL
),

dose AS (
    SELECT
        w.athlete_id,
        w.week_start,
        sum(p.sets_per_week)::BIGINT AS prescribed_sets,
        sum(least(coalesce(d.sets, 0), p.sets_per_week))::BIGINT AS credited_sets
    FROM int_program_weeks AS w
    INNER JOIN program_phase_sets AS p
        ON w.program_id = p.program_id AND w.phase_index = p.phase_index
    LEFT JOIN int_weekly_sets_by_category AS d
        ON w.athlete_id = d.athlete_id AND w.week_start = d.week_start AND p.category = d.category
    GROUP BY ALL
)

SELECT
    w.athlete_id,
    w.program_id,
    w.enrolment_start,
    w.week_start,
    w.program_week,
    w.week_complete,
    w.phase_index,
    w.phase_name,
    w.single_leg_phase,
    w.prescribed_sessions,
    coalesce(s.logged_sessions, 0) AS logged_sessions,
    coalesce(s.counted_sessions, 0) AS counted_sessions,
    least(coalesce(s.counted_sessions, 0), w.prescribed_sessions) AS credited_sessions,
    CASE
        WHEN w.week_complete AND w.prescribed_sessions > 0
            THEN least(1.0, coalesce(s.counted_sessions, 0) / w.prescribed_sessions)
    END AS session_adherence,
    coalesce(d.prescribed_sets, 0) AS prescribed_sets,
    coalesce(d.credited_sets, 0) AS credited_sets,
    CASE
        WHEN w.week_complete AND d.prescribed_sets > 0 THEN d.credited_sets / d.prescribed_sets
    END AS dose_adherence,
    coalesce(s.glute_sets, 0) AS glute_sets,
    coalesce(s.single_leg_sets, 0) AS single_leg_sets,
    CASE WHEN s.glute_sets > 0 THEN s.single_leg_sets / s.glute_sets END AS single_leg_share
FROM int_program_weeks AS w
LEFT JOIN sessions AS s ON w.athlete_id = s.athlete_id AND w.week_start = s.week_start
LEFT JOIN dose AS d ON w.athlete_id = d.athlete_id AND w.week_start = d.week_start
