-- mart_adherence_by_phase: how the enrolled athletes adhere in each program week and phase.
-- Complete weeks only: an athlete's week in progress joins its program week once it ends.
SELECT
    program_id,
    phase_name,
    program_week,
    count(DISTINCT athlete_id) AS athletes,
    median(session_adherence) AS median_session_adherence,
    avg(session_adherence ORDER BY session_adherence) AS mean_session_adherence,
    median(dose_adherence) AS median_dose_adherence
FROM int_adherence_weekly
WHERE week_complete
GROUP BY ALL
ORDER BY program_id, program_week
