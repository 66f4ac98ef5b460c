-- program_phases_week_order: Every program phase's week range runs forwards (first_week is not after last_week).
SELECT
    program_id,
    phase_index,
    first_week,
    last_week
FROM program_phases
WHERE first_week > last_week
