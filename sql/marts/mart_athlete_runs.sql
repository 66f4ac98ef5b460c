-- mart_athlete_runs: every canonical running activity with its per-run figures, for the athlete's run list.
-- incremental: athlete_id
-- week-local
SELECT
    athlete_id,
    activity_id,
    start_local,
    local_date,
    week_start,
    name,
    sport,
    distance_km,
    moving_s / 60.0 AS moving_min,
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
FROM stg_running_activities
ORDER BY athlete_id, start_local
