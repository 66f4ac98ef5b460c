-- program_phase_sets_nonnegative: No phase prescribes a negative number of weekly sets for a category.
SELECT
    program_id,
    phase_index,
    category,
    sets_per_week
FROM program_phase_sets
WHERE sets_per_week < 0
