-- stg_strength_sets: working strength sets (warm-up sets excluded) with the glute and single-leg flags adherence uses.
-- Glute sets are sets in glute_med_min, glute_max or single_leg (METRICS.md); an unmapped exercise has no
-- categories, so it counts as a set but toward no category.
WITH sets AS (
    SELECT
        athlete_id,
        session_id,
        session_start_utc,
        local_date,
        week_start,
        exercise_logged,
        exercise_id,
        list_distinct(coalesce(categories, []::VARCHAR[])) AS categories,
        set_number,
        set_type,
        reps,
        load_kg,
        rpe,
        duration_s,
        band,
        band_level
    FROM strength_sets
    WHERE set_type IS DISTINCT FROM 'warmup'
)

SELECT
    *,
    list_has_any(categories, ['glute_med_min', 'glute_max', 'single_leg']) AS is_glute,
    list_contains(categories, 'single_leg') AS is_single_leg
FROM sets
