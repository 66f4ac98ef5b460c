-- mart_athlete_ostrc: each athlete's weekly OSTRC answers, scores and problem flags, with the version they were scored by.
-- incremental: athlete_id
-- One row per athlete x week: a problem when any body area has one, severity the highest area severity,
-- q1-q4 and scores of that worst area (worst_area; 'all' = answered for the whole body). The per-area
-- answers and severities are in int_ostrc_answers and mart_ostrc_area_weekly.
SELECT
    athlete_id,
    week_start,
    instrument_version,
    q1,
    q2,
    q3,
    q4,
    q1_score,
    q2_score,
    q3_score,
    q4_score,
    severity,
    problem,
    substantial_problem,
    worst_area,
    areas_answered,
    areas_with_problem,
    areas_with_substantial_problem
FROM int_ostrc_athlete_weeks
ORDER BY athlete_id, week_start
