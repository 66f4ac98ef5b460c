-- program_phases_keys: Every program phase is listed once, with a name, a week range that runs forwards and its sessions per week.
WITH keyed AS (
    SELECT
        *,
        count(*) OVER (PARTITION BY program_id, phase_index) AS rows_with_key
    FROM program_phases
)

SELECT
    program_id, phase_index,
    CASE WHEN rows_with_key > 1 THEN 'duplicate key' ELSE 'missing required value' END AS problem
FROM keyed
WHERE rows_with_key > 1 OR program_id IS NULL OR phase_index IS NULL OR phase_name IS NULL OR first_week IS NULL OR last_week IS NULL OR sessions_per_week IS NULL OR first_week > last_week
