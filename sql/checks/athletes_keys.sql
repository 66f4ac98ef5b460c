-- athletes_keys: Every roster athlete has a unique athlete_id and a display name.
WITH keyed AS (
    SELECT
        *,
        count(*) OVER (PARTITION BY athlete_id) AS rows_with_key
    FROM athletes
)

SELECT
    athlete_id,
    CASE WHEN rows_with_key > 1 THEN 'duplicate key' ELSE 'missing required value' END AS problem
FROM keyed
WHERE rows_with_key > 1 OR athlete_id IS NULL OR display_name IS NULL
