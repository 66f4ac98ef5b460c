-- mart_pace_trends_ci: Every pace-trend slope lies inside its confidence interval and its direction matches it.
SELECT
    athlete_id,
    trend_window,
    slope_s_per_km_per_4wk,
    ci_low,
    ci_high,
    direction
FROM mart_pace_trends
WHERE
    NOT slope_s_per_km_per_4wk BETWEEN ci_low - 1e-9 AND ci_high + 1e-9
    OR (direction = 'improving' AND NOT ci_high < 0)
    OR (direction = 'slower' AND NOT ci_low > 0)
    OR (direction = 'flat' AND NOT (ci_low <= 0 AND ci_high >= 0))
