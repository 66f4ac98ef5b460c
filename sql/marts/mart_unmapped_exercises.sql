-- mart_unmapped_exercises: logged exercise names the catalog does not know, with how often and by how many athletes, for the coach to map.
-- Counts every logged set, warm-ups included: an unmapped name never silently disappears.
SELECT
    exercise_logged,
    count(*) AS occurrences,
    count(DISTINCT athlete_id) AS athletes,
    max(local_date) AS last_seen
FROM strength_sets
WHERE exercise_id IS NULL
GROUP BY ALL
ORDER BY occurrences DESC, exercise_logged ASC
