-- programs_keys: Every program has a unique id and a name.
WITH keyed AS (
    SELECT
        *,
        count(*) OVER (PARTITION BY program_id) AS rows_with_key
    FROM programs
)

SELECT
    program_id,
    CASE WHEN rows_with_key > 1 THEN 'duplicate key' ELSE 'missing required value' END AS problem
FROM keyed
WHERE rows_with_key > 1 OR program_id IS NULL OR name IS NULL
