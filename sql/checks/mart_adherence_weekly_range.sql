-- mart_adherence_weekly_range: Weekly session and dose adherence and single-leg share lie between 0 and 1.
SELECT
    athlete_id,
    week_start,
    session_adherence,
    dose_adherence,
    single_leg_share
FROM mart_adherence_weekly
WHERE
    session_adherence NOT BETWEEN 0 AND 1
    OR dose_adherence NOT BETWEEN 0 AND 1
    OR single_leg_share NOT BETWEEN 0 AND 1
