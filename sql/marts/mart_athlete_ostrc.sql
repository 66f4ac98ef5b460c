-- mart_athlete_ostrc: each athlete's weekly OSTRC answers, scores and problem flags, with the version they were scored by.
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
    substantial_problem
FROM ostrc_responses
ORDER BY athlete_id, week_start
