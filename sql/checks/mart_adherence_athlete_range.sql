-- mart_adherence_athlete_range: Each athlete's cumulative, dose and last-4-weeks adherence lie between 0 and 1.
SELECT
    athlete_id,
    cumulative_session_adherence,
    dose_adherence,
    last4_session_adherence
FROM mart_adherence_athlete
WHERE
    cumulative_session_adherence NOT BETWEEN 0 AND 1
    OR dose_adherence NOT BETWEEN 0 AND 1
    OR last4_session_adherence NOT BETWEEN 0 AND 1
