-- int_injuries: every injury, from the club's log (club/injuries.csv) and from the app: member or coach reports and OSTRC problems the coach classified as an injury.
-- App problems take the coach's latest classification; one classified as an illness (or an OSTRC
-- problem already reported) is not an injury. stopped_days = the classification's time-loss days,
-- else 1 when the report said the athlete could not run, else 0. Days affected run from onset to
-- the resolved date, or to the data date while unresolved; the affected days beyond the stopped ones
-- are modified_days. Case definitions as for the club's log (METRICS.md): running-related (Yamato
-- 2015) = lower-limb area and (modified + stopped >= rri_min_days or a professional seen); time loss =
-- stopped_days >= 1.
WITH app_problems AS (
    SELECT
        r.report_id AS injury_id,
        r.athlete_id,
        'report:' || r.report_id AS problem_id,
        'app report' AS source,
        r.onset_date,
        r.area,
        r.side,
        r.description,
        CASE WHEN r.can_run THEN 0 ELSE 1 END AS stopped_at_report
    FROM injury_reports AS r
    UNION ALL
    SELECT
        o.athlete_id || ':' || o.problem_id AS injury_id,
        o.athlete_id,
        o.problem_id,
        'OSTRC check-in' AS source,
        o.first_week AS onset_date,
        o.area,
        'na' AS side,
        'OSTRC problem classified as an injury' AS description,
        0 AS stopped_at_report
    FROM int_ostrc_problems AS o
    INNER JOIN int_problem_classifications AS c
        ON o.athlete_id = c.athlete_id AND o.problem_id = c.problem_id
    WHERE c.problem_type = 'injury'
),

app_days AS (
    SELECT
        p.*,
        coalesce(a.lower_limb, FALSE) AS lower_limb,
        coalesce(c.consulted_professional, FALSE) AS consulted_professional,
        coalesce(c.time_loss_days, p.stopped_at_report) AS stopped_days,
        greatest(coalesce(c.resolved_date, d.as_of_date) - p.onset_date, 0) AS affected_days
    FROM app_problems AS p
    LEFT JOIN int_problem_classifications AS c
        ON p.athlete_id = c.athlete_id AND p.problem_id = c.problem_id
    LEFT JOIN ostrc_areas AS a ON p.area = a.area
    CROSS JOIN int_data_as_of AS d
    WHERE coalesce(c.problem_type, 'injury') = 'injury'
),

app_injuries AS (
    SELECT
        *,
        greatest(affected_days - stopped_days, 0) AS modified_days
    FROM app_days
)

SELECT
    i.injury_id,
    i.athlete_id,
    i.onset_date,
    date_trunc('week', i.onset_date)::DATE AS onset_week,
    i.area AS body_region,
    i.side,
    i.description,
    i.modified_days,
    i.stopped_days,
    i.consulted_professional,
    i.lower_limb,
    i.lower_limb
    AND (i.modified_days + i.stopped_days >= s.rri_min_days OR i.consulted_professional)
        AS running_related_injury,
    i.stopped_days >= 1 AS time_loss,
    TRUE AS any_complaint,
    i.onset_date + (i.modified_days + i.stopped_days)::INTEGER AS at_risk_again_date,
    i.source,
    i.problem_id
FROM app_injuries AS i
CROSS JOIN settings AS s
UNION ALL
SELECT
    injury_id,
    athlete_id,
    onset_date,
    onset_week,
    body_region,
    side,
    description,
    modified_days,
    stopped_days,
    consulted_professional,
    lower_limb,
    running_related_injury,
    time_loss,
    any_complaint,
    at_risk_again_date,
    'club file' AS source,
    NULL AS problem_id
FROM stg_injuries
