-- int_athlete_week_runs: running volume, median GAP and median EF per athlete and ISO week (athlete's local time).
-- incremental: athlete_id
-- week-local
-- EF only from steady runs (METRICS.md); a run the parser could not classify counts as steady.
SELECT
    athlete_id,
    week_start,
    count(*) AS runs,
    coalesce(sum(distance_km ORDER BY distance_km), 0) AS running_km,
    coalesce(sum(exposure_hours ORDER BY exposure_hours), 0) AS running_hours,
    median(gap_s_per_km) AS median_gap_s_per_km,
    median(ef) FILTER (WHERE coalesce(is_steady, TRUE)) AS median_ef
FROM stg_running_activities
GROUP BY ALL
