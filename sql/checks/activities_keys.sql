-- activities_keys: Every activity has a unique activity_id, an athlete, a sport, a start time and a local week.
WITH keyed AS (
    SELECT
        *,
        count(*) OVER (PARTITION BY activity_id) AS rows_with_key
    FROM activities
)

SELECT
    activity_id,
    CASE WHEN rows_with_key > 1 THEN 'duplicate key' ELSE 'missing required value' END AS problem
FROM keyed
WHERE rows_with_key > 1 OR activity_id IS NULL OR athlete_id IS NULL OR sport IS NULL OR is_running IS NULL OR start_utc IS NULL OR local_date IS NULL OR week_start IS NULL
