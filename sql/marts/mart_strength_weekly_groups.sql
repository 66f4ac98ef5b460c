-- mart_strength_weekly_groups: working sets per athlete, ISO week and exercise group of the glute program.
-- incremental: athlete_id
-- Groups (METRICS.md, glute exercise categories): activation = glute_med_min, hip extension = glute_max,
-- single-leg = single_leg, foot/ankle = foot_ankle, core = core_mobility; an exercise with two
-- categories counts in both groups (int_weekly_sets_by_category). Exercises outside the program
-- ('other') are not shown.
WITH exercise_groups AS (
    SELECT
        v.col0 AS category,
        v.col1 AS exercise_group,
        v.col2 AS group_order
    FROM (
        VALUES
        ('glute_med_min', 'activation', 1),
        ('glute_max', 'hip extension', 2),
        ('single_leg', 'single-leg', 3),
        ('foot_ankle', 'foot/ankle', 4),
        ('core_mobility', 'core', 5)
    ) AS v
)

SELECT
    s.athlete_id,
    s.week_start,
    g.exercise_group,
    g.group_order,
    s.category,
    s.sets
FROM int_weekly_sets_by_category AS s
INNER JOIN exercise_groups AS g ON s.category = g.category
ORDER BY s.athlete_id, s.week_start, g.group_order
