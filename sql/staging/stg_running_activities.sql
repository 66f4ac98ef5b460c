-- stg_running_activities: canonical running activities (is_running and not a duplicate), the only runs in pace and exposure figures.
-- exposure_hours is moving time (duration_min when a file has none): the injury denominator.
SELECT
    *,
    duration_min / 60.0 AS exposure_hours
FROM stg_activities
WHERE is_running
