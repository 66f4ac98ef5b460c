-- mart_club_weekly: club-wide running volume, active members and median session adherence per ISO week.
-- active_members = athletes who logged any run, other activity or strength session that week; every
-- week from the first to the latest data week is present. week_complete: the week has ended by the
-- data date (as in int_program_weeks); median_session_adherence is null for the week in progress
-- (left out until it ends, never read as 0% on a Monday). The km and hours are exact
-- decimal sums, the same in any order (a sum of doubles ordered by value cost 58 of 79 ms at 2,000
-- athletes x 3 years).
WITH weeks AS (
    SELECT
        unnest(generate_series(first_week, as_of_week, INTERVAL 7 DAY))::DATE AS week_start,
        as_of_date
    FROM int_data_as_of
),

active AS (
    SELECT
        week_start,
        count(DISTINCT athlete_id) AS active_members
    FROM int_session_load
    GROUP BY ALL
),

running AS (
    SELECT
        week_start,
        count(DISTINCT athlete_id) AS runners,
        sum(runs)::BIGINT AS runs,
        sum(running_km::DECIMAL(18, 9))::DOUBLE AS running_km,
        sum(running_hours::DECIMAL(18, 9))::DOUBLE AS running_hours
    FROM int_athlete_week_runs
    GROUP BY ALL
),

adherence AS (
    SELECT
        week_start,
        count(*) AS enrolled_athletes,
        median(session_adherence) AS median_session_adherence
    FROM int_adherence_weekly
    GROUP BY ALL
)

SELECT
    w.week_start,
    w.week_start + 6 <= w.as_of_date AS week_complete,
    coalesce(a.active_members, 0) AS active_members,
    coalesce(r.runners, 0) AS runners,
    coalesce(r.runs, 0) AS runs,
    coalesce(r.running_km, 0) AS running_km,
    coalesce(r.running_hours, 0) AS running_hours,
    coalesce(h.enrolled_athletes, 0) AS enrolled_athletes,
    h.median_session_adherence
FROM weeks AS w
LEFT JOIN active AS a ON w.week_start = a.week_start
LEFT JOIN running AS r ON w.week_start = r.week_start
LEFT JOIN adherence AS h ON w.week_start = h.week_start
ORDER BY w.week_start
