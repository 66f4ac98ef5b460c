-- strength_sets_keys: Every strength set is one row of one file, with its athlete, session, date and the exercise as logged.
WITH keyed AS (
    SELECT
        *,
        count(*) OVER (PARTITION BY file_sha256, row_number) AS rows_with_key
    FROM strength_sets
)

SELECT
    file_sha256, row_number,
    CASE WHEN rows_with_key > 1 THEN 'duplicate key' ELSE 'missing required value' END AS problem
FROM keyed
WHERE rows_with_key > 1 OR file_sha256 IS NULL OR row_number IS NULL OR athlete_id IS NULL OR session_id IS NULL OR local_date IS NULL OR week_start IS NULL OR exercise_logged IS NULL
