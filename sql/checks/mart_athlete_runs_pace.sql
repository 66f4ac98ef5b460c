-- mart_athlete_runs_pace: Every run with a distance and a moving time has a pace and a grade-adjusted pace.
SELECT
    athlete_id,
    activity_id,
    distance_km,
    moving_min
FROM mart_athlete_runs
WHERE distance_km > 0 AND moving_min > 0 AND (pace_s_per_km IS NULL OR gap_s_per_km IS NULL)
