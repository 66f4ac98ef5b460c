-- int_running_exposure: running hours at risk per case definition, athlete and week, with the adherence band lagged before the week.
-- incremental: athlete_id, week_start
-- week-local
-- A canonical run inside [onset, onset + modified + stopped days) of one of the athlete's injuries
-- meeting that definition is not at risk of a new case and is left out. Band attribution as in
-- int_injury_cases. Summed per athlete-week, the grain every reader needs: one row per run and
-- definition was 3 M rows at 2,000 athletes x 3 years, written whole every night.
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
),

weekly AS (
    SELECT
        case_definition,
        athlete_id,
        week_start,
        count(*) AS runs,
        -- an exact decimal sum: the same in any order, without sorting 3 M rows as an ordered
        -- double sum does (0.6 s of a night at 2,000 athletes)
        sum(exposure_hours::DECIMAL(18, 9))::DOUBLE AS hours_at_risk
    FROM at_risk
    GROUP BY ALL
)

SELECT
    w.*,
    a.cumulative_session_adherence AS lagged_adherence,
    a.adherence_band,
    CASE WHEN a.athlete_id IS NULL THEN 'not enrolled' ELSE 'enrolled' END AS enrolment_group
FROM weekly AS w
LEFT JOIN int_adherence_cumulative AS a
    ON w.athlete_id = a.athlete_id AND w.week_start = a.attributed_week
