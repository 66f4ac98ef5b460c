-- mart_adherence_weekly: session and dose adherence and single-leg share of every athlete in every enrolled week.
-- incremental: athlete_id, week_start
-- The week in progress (week_complete false) has sessions so far but no adherence until it ends;
-- its cumulative figures and band are those of the weeks before it. With the athlete's name: the
-- coach's page lists every member's weeks by name without a join per view.
SELECT
    w.athlete_id,
    a.display_name,
    w.week_start,
    w.program_id,
    w.program_week,
    w.week_complete,
    w.phase_name,
    w.prescribed_sessions,
    w.counted_sessions,
    w.logged_sessions,
    w.session_adherence,
    w.dose_adherence,
    w.single_leg_share,
    w.prescribed_sets,
    w.credited_sets,
    w.glute_sets,
    w.single_leg_sets,
    c.cumulative_session_adherence,
    c.adherence_band
FROM int_adherence_weekly AS w
INNER JOIN int_adherence_cumulative AS c
    ON w.athlete_id = c.athlete_id AND w.week_start = c.week_start
INNER JOIN athletes AS a ON w.athlete_id = a.athlete_id
ORDER BY w.athlete_id, w.week_start
