-- mart_assessment_status: per roster athlete, whether they have a baseline assessment and when a re-test is due.
-- baseline_on / last_assessed_on: the first and latest live assessment session (any test);
-- retest_due_on = last_assessed_on + assessment_retest_weeks (settings); status no_baseline (never
-- assessed), due (retest_due_on on or before the latest data date: int_data_as_of's, or the club's
-- latest assessment when that is later) or current.
WITH thresholds AS (
    SELECT
        assessment_retest_weeks AS retest_weeks,
        (7 * assessment_retest_weeks)::INTEGER AS retest_days
    FROM settings
),

assessed AS (
    SELECT
        athlete_id,
        min(assessed_on) AS baseline_on,
        max(assessed_on) AS last_assessed_on,
        count(DISTINCT session_id) AS sessions
    FROM int_assessment_values
    GROUP BY athlete_id
)

SELECT
    a.athlete_id,
    a.enrolled,
    a.enrolment_start,
    s.baseline_on,
    s.last_assessed_on,
    coalesce(s.sessions, 0) AS sessions,
    t.retest_weeks,
    s.last_assessed_on + t.retest_days AS retest_due_on,
    CASE
        WHEN s.baseline_on IS NULL THEN 'no_baseline'
        WHEN
            s.last_assessed_on + t.retest_days
            <= greatest(d.as_of_date, (SELECT max(l.last_assessed_on) FROM assessed AS l))
            THEN 'due'
        ELSE 'current'
    END AS status
FROM mart_athletes AS a
CROSS JOIN thresholds AS t
CROSS JOIN int_data_as_of AS d
LEFT JOIN assessed AS s ON a.athlete_id = s.athlete_id
ORDER BY a.athlete_id
