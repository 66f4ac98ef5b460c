-- mart_athletes: every member with their current (or latest) program enrolment.
-- enrolled = an enrolment covers the latest data date; program_id and enrolment_start come from the
-- latest enrolment even after it ended.
WITH latest_enrolment AS (
    SELECT *
    FROM stg_enrolments
    QUALIFY row_number() OVER (PARTITION BY athlete_id ORDER BY start_date DESC) = 1
)

SELECT
    a.athlete_id,
    a.display_name,
    a.training_group,
    a.sex,
    a.time_zone,
    coalesce(
        e.start_date <= d.as_of_date AND (e.end_date IS NULL OR e.end_date >= d.as_of_date), FALSE
    ) AS enrolled,
    e.program_id,
    e.start_date AS enrolment_start,
    e.end_date AS enrolment_end
FROM athletes AS a
CROSS JOIN int_data_as_of AS d
LEFT JOIN latest_enrolment AS e ON a.athlete_id = e.athlete_id
ORDER BY a.athlete_id
