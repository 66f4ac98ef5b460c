-- enrolments_keys: Every enrolment has an athlete, a program and a start date, and does not end before it starts.
WITH keyed AS (
    SELECT
        *,
        count(*) OVER (PARTITION BY athlete_id, start_date) AS rows_with_key
    FROM enrolments
)

SELECT
    athlete_id, start_date,
    CASE WHEN rows_with_key > 1 THEN 'duplicate key' ELSE 'missing required value' END AS problem
FROM keyed
WHERE rows_with_key > 1 OR athlete_id IS NULL OR start_date IS NULL OR program_id IS NULL OR end_date < start_date
