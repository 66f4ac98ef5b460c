-- exercise_catalog_keys: Every catalog exercise has a unique id, a name and its categories.
WITH keyed AS (
    SELECT
        *,
        count(*) OVER (PARTITION BY exercise_id) AS rows_with_key
    FROM exercise_catalog
)

SELECT
    exercise_id,
    CASE WHEN rows_with_key > 1 THEN 'duplicate key' ELSE 'missing required value' END AS problem
FROM keyed
WHERE rows_with_key > 1 OR exercise_id IS NULL OR name IS NULL OR categories IS NULL
