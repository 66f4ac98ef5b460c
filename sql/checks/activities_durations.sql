-- activities_durations: No activity has a negative elapsed, timer or moving time or a negative distance.
SELECT
    activity_id,
    elapsed_s,
    timer_s,
    moving_s,
    distance_m
FROM activities
WHERE elapsed_s < 0 OR timer_s < 0 OR moving_s < 0 OR distance_m < 0
