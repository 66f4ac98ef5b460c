-- program_phase_sets_keys: Every phase prescribes each category's weekly sets once, never negative.
WITH keyed AS (
    SELECT
        *,
        count(*) OVER (PARTITION BY program_id, phase_index, category) AS rows_with_key
    FROM program_phase_sets
)

SELECT
    program_id, phase_index, category,
    CASE WHEN rows_with_key > 1 THEN 'duplicate key' ELSE 'missing required value' END AS problem
FROM keyed
WHERE rows_with_key > 1 OR program_id IS NULL OR phase_index IS NULL OR category IS NULL OR sets_per_week IS NULL OR sets_per_week < 0
