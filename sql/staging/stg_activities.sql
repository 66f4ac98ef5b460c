-- stg_activities: every canonical activity of any sport (the copy of a run that arrived twice is dropped).
-- Other sports stay: they count as training load where they have a duration (METRICS.md).
-- duration_min falls back from moving time to timer and elapsed time when a file has no moving time.
SELECT
    activity_id,
    athlete_id,
    sport,
    is_running,
    name,
    start_utc,
    start_local,
    local_date,
    week_start,
    distance_m,
    distance_m / 1000.0 AS distance_km,
    moving_s,
    timer_s,
    elapsed_s,
    coalesce(nullif(moving_s, 0), nullif(timer_s, 0), elapsed_s) / 60.0 AS duration_min,
    pace_s_per_km,
    gap_s_per_km,
    avg_hr,
    max_hr,
    ef,
    decoupling_pct,
    is_steady,
    elev_gain_m,
    best_1k_s,
    best_5k_s,
    best_10k_s,
    trimp
FROM activities
WHERE duplicate_of IS NULL
