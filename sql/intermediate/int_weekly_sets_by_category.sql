-- int_weekly_sets_by_category: working strength sets per athlete, ISO week and exercise category.
-- incremental: athlete_id
-- A set of an exercise with two categories (single-leg deadlift: single_leg + glute_max) counts toward both.
WITH set_categories AS (
    SELECT
        athlete_id,
        week_start,
        unnest(categories) AS category
    FROM stg_strength_sets
)

SELECT
    athlete_id,
    week_start,
    category,
    count(*) AS sets
FROM set_categories
GROUP BY ALL
