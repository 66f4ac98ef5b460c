-- int_injury_cases: one row per injury and case definition it meets, with the athlete's adherence band lagged before onset.
-- compared: athlete_id
-- Band = cumulative session adherence through the week adherence_lag_weeks before the onset week
-- (int_adherence_cumulative.attributed_week); no enrolled week there = 'not enrolled' and no band.
WITH cases AS (
    SELECT
        *,
        'running_related_injury' AS case_definition
    FROM int_injuries
    WHERE running_related_injury
    UNION ALL
    SELECT
        *,
        'time_loss' AS case_definition
    FROM int_injuries
    WHERE time_loss
    UNION ALL
    SELECT
        *,
        'any_complaint' AS case_definition
    FROM int_injuries
    WHERE any_complaint
)

SELECT
    c.injury_id,
    c.athlete_id,
    c.case_definition,
    c.onset_date,
    c.onset_week,
    c.at_risk_again_date,
    a.cumulative_session_adherence AS lagged_adherence,
    a.adherence_band,
    CASE WHEN a.athlete_id IS NULL THEN 'not enrolled' ELSE 'enrolled' END AS enrolment_group
FROM cases AS c
LEFT JOIN int_adherence_cumulative AS a
    ON c.athlete_id = a.athlete_id AND c.onset_week = a.attributed_week
