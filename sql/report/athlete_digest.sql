-- athlete_digest: one row per athlete for the Monday digest: adherence and the 12-week pace trend.
SELECT
    a.athlete_id,
    a.display_name,
    ad.cumulative_session_adherence AS session_adherence,
    ad.adherence_band,
    t.slope_s_per_km_per_4wk AS pace_trend_s_per_km_per_4wk,
    t.ci_low AS pace_trend_ci_low,
    t.ci_high AS pace_trend_ci_high,
    coalesce(t.direction, 'insufficient_data') AS pace_trend_direction
FROM mart_athletes AS a
LEFT JOIN mart_adherence_athlete AS ad ON a.athlete_id = ad.athlete_id
LEFT JOIN mart_pace_trends AS t ON a.athlete_id = t.athlete_id AND t.trend_window = 'last_12_weeks'
ORDER BY a.athlete_id
