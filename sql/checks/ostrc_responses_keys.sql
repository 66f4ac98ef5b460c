-- ostrc_responses_keys: Each athlete answers the OSTRC-O2 questionnaire at most once a week, scored.
WITH keyed AS (
    SELECT
        *,
        count(*) OVER (PARTITION BY athlete_id, week_start) AS rows_with_key
    FROM ostrc_responses
)

SELECT
    athlete_id, week_start,
    CASE WHEN rows_with_key > 1 THEN 'duplicate key' ELSE 'missing required value' END AS problem
FROM keyed
WHERE rows_with_key > 1 OR athlete_id IS NULL OR week_start IS NULL OR severity IS NULL OR problem IS NULL OR substantial_problem IS NULL
