-- mart_athlete_weekly: each athlete's weekly running volume, training load, fitness/fatigue/form, ACWR flag and median GAP/EF.
-- incremental: athlete_id, week_start
-- week-local
-- ctl, atl, tsb and acwr are the values on the week's last day (Sunday, or the latest data day);
-- acwr is null before acwr_min_history_days of history. load_spike = acwr > acwr_spike: a flag to look
-- at, not an injury prediction (Impellizzeri 2020, Lolli 2019). load_methods: how the week's session
-- loads were estimated (int_session_load.load_method), so the load can be labelled by what it is.
-- session_load is an exact decimal sum of the days' loads, the same in any order.
-- A week is a week with load or with runs. Its parts are stacked and grouped, not joined: an
-- incremental night's filter on athlete and week then reaches every table scan (through a full outer
-- join it could not, and every day of load was read: 0.40 s against 0.10 s at 2,000 athletes).
WITH load_weeks AS (
    SELECT
        athlete_id,
        week_start,
        sum(load::DECIMAL(18, 9))::DOUBLE AS session_load,
        max_by(struct_pack(ctl, atl, tsb, acwr, load_spike), date) AS week_end
    FROM int_daily_load
    GROUP BY ALL
),

week_methods AS (
    SELECT
        athlete_id,
        week_start,
        list(DISTINCT load_method ORDER BY load_method) AS load_methods
    FROM int_session_load
    GROUP BY ALL
),

parts AS (
    SELECT
        'load' AS part,
        *
    FROM load_weeks
    UNION ALL BY NAME
    SELECT
        'methods' AS part,
        *
    FROM week_methods
    UNION ALL BY NAME
    SELECT
        'runs' AS part,
        *
    FROM int_athlete_week_runs
),

weeks AS (
    SELECT
        athlete_id,
        week_start,
        bool_or(part = 'load') AS has_load,
        any_value(session_load) AS session_load,
        any_value(week_end) AS week_end,
        any_value(load_methods) AS load_methods,
        any_value(runs) AS runs,
        any_value(running_km) AS running_km,
        any_value(running_hours) AS running_hours,
        any_value(median_gap_s_per_km) AS median_gap_s_per_km,
        any_value(median_ef) AS median_ef
    FROM parts
    GROUP BY athlete_id, week_start
    HAVING bool_or(part IN ('load', 'runs'))
)

SELECT
    w.athlete_id,
    w.week_start,
    coalesce(w.runs, 0) AS runs,
    coalesce(w.running_km, 0) AS running_km,
    coalesce(w.running_hours, 0) AS running_hours,
    coalesce(w.session_load, 0) AS session_load,
    w.week_end.ctl,
    w.week_end.atl,
    w.week_end.tsb,
    w.week_end.acwr,
    w.week_end.load_spike,
    CASE WHEN w.has_load THEN w.load_methods END AS load_methods,
    w.median_gap_s_per_km,
    w.median_ef
FROM weeks AS w
ORDER BY w.athlete_id, w.week_start
