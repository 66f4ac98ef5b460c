-- int_running_exposure: running hours at risk per canonical run and case definition, with the adherence band lagged before the run.
-- A run inside [onset, onset + modified + stopped days) of one of the athlete's injuries meeting that
-- definition is not at risk of a new case and is left out. Band attribution as in int_injury_cases.
WITH definitions AS (
    SELECT unnest(['running_related_injury', 'time_loss', 'any_complaint']) AS case_definition
),

at_risk AS (
    SELECT
        r.athlete_id,
        r.activity_id,
        d.case_definition,
        r.local_date,
        r.week_start,
        r.exposure_hours
    FROM stg_running_activities AS r
    CROSS JOIN definitions AS d
    ANTI JOIN int_injury_cases AS c
        ON
            r.athlete_id = c.athlete_id
            AND d.case_definition = c.case_definition
            AND r.local_date >= c.onset_date
            AND r.local_date < c.at_risk_again_date
    WHERE r.exposure_hours > 0
)

SELECT
    r.*,
    a.cumulative_session_adherence AS lagged_adherence,
    a.adherence_band,
    CASE WHEN a.athlete_id IS NULL THEN 'not enrolled' ELSE 'enrolled' END AS enrolment_group
FROM at_risk AS r
LEFT JOIN int_adherence_cumulative AS a
    ON r.athlete_id = a.athlete_id AND r.week_start = a.attributed_week
