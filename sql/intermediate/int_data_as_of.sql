-- int_data_as_of: the club's first and latest data dates and their ISO weeks; "to date" in every model means up to as_of_date.
-- The latest data date (not today) keeps a rebuild of old data reproducible.
WITH data_dates AS (
    SELECT local_date AS data_date FROM stg_activities
    UNION ALL
    SELECT local_date FROM stg_strength_sets
    UNION ALL
    SELECT week_start FROM int_ostrc_answers
)

SELECT
    min(data_date) AS first_date,
    max(data_date) AS as_of_date,
    date_trunc('week', min(data_date))::DATE AS first_week,
    date_trunc('week', max(data_date))::DATE AS as_of_week
FROM data_dates
