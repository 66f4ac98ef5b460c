-- injuries_keys: Every injury has a unique id, an athlete, an onset date and its three case definitions.
WITH keyed AS (
    SELECT
        *,
        count(*) OVER (PARTITION BY injury_id) AS rows_with_key
    FROM injuries
)

SELECT
    injury_id,
    CASE WHEN rows_with_key > 1 THEN 'duplicate key' ELSE 'missing required value' END AS problem
FROM keyed
WHERE rows_with_key > 1 OR injury_id IS NULL OR athlete_id IS NULL OR onset_date IS NULL OR running_related_injury IS NULL OR time_loss IS NULL OR any_complaint IS NULL
