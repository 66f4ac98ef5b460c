-- int_injury_athlete_weeks: new cases and running hours at risk per case definition, athlete and week, with the lagged adherence band and the covariates of the adjusted analysis.
-- incremental: athlete_id, week_start
-- week-local, and the week before
-- One row per athlete-week with hours at risk or a case onset. Band and enrolment as in
-- int_injury_cases and int_running_exposure (cumulative adherence adherence_lag_weeks before the week).
-- previous_injury: a case of the same definition began in an earlier week. previous_week_km: every run
-- of the week before (that week's own km would fall with the injury it is to explain). age_years from
-- the roster's birth year (null when it is missing).
WITH cases AS (
    SELECT
        case_definition,
        athlete_id,
        onset_week AS week_start,
        count(*) AS cases
    FROM int_injury_cases
    GROUP BY ALL
),

first_cases AS (
    SELECT
        case_definition,
        athlete_id,
        min(onset_week) AS first_onset_week
    FROM int_injury_cases
    GROUP BY ALL
),

weeks AS (
    SELECT
        coalesce(h.case_definition, c.case_definition) AS case_definition,
        coalesce(h.athlete_id, c.athlete_id) AS athlete_id,
        coalesce(h.week_start, c.week_start) AS week_start,
        coalesce(h.hours_at_risk, 0.0) AS hours_at_risk,
        coalesce(c.cases, 0) AS cases
    FROM int_running_exposure AS h
    FULL OUTER JOIN cases AS c
        ON
            h.case_definition = c.case_definition
            AND h.athlete_id = c.athlete_id
            AND h.week_start = c.week_start
)

SELECT
    w.case_definition,
    w.athlete_id,
    w.week_start,
    w.hours_at_risk,
    w.cases,
    a.adherence_band,
    CASE WHEN a.athlete_id IS NULL THEN 'not enrolled' ELSE 'enrolled' END AS enrolment_group,
    coalesce(f.first_onset_week < w.week_start, FALSE) AS previous_injury,
    coalesce(r.running_km, 0.0) AS previous_week_km,
    p.sex,
    year(w.week_start) - p.birth_year AS age_years
FROM weeks AS w
LEFT JOIN int_adherence_cumulative AS a
    ON w.athlete_id = a.athlete_id AND w.week_start = a.attributed_week
LEFT JOIN first_cases AS f
    ON w.case_definition = f.case_definition AND w.athlete_id = f.athlete_id
LEFT JOIN int_athlete_week_runs AS r
    ON w.athlete_id = r.athlete_id AND w.week_start - 7 = r.week_start
LEFT JOIN athletes AS p ON w.athlete_id = p.athlete_id
