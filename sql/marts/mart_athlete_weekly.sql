-- mart_athlete_weekly: each athlete's weekly running volume, training load, fitness/fatigue/form, ACWR flag and median GAP/EF.
-- incremental: athlete_id, week_start
-- ctl, atl, tsb and acwr are the values on the week's last day (Sunday, or the latest data day);
-- acwr is null before acwr_min_history_days of history. load_spike = acwr > acwr_spike: a flag to look
-- at, not an injury prediction (Impellizzeri 2020, Lolli 2019). load_methods: how the week's session
-- loads were estimated (int_session_load.load_method), so the load can be labelled by what it is.
-- session_load is an exact decimal sum of the days' loads, the same in any order.
WITH week_end AS (
    SELECT *
    FROM int_daily_load
    QUALIFY row_number() OVER (PARTITION BY athlete_id, week_start ORDER BY date DESC) = 1
),

load_weeks AS (
    SELECT
        l.athlete_id,
        l.week_start,
        sum(l.load::DECIMAL(18, 9))::DOUBLE AS session_load
    FROM int_daily_load AS l
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

weeks AS (
    SELECT
        l.athlete_id,
        l.week_start,
        l.session_load,
        e.ctl,
        e.atl,
        e.tsb,
        e.acwr,
        e.load_spike,
        m.load_methods
    FROM load_weeks AS l
    INNER JOIN week_end AS e ON l.athlete_id = e.athlete_id AND l.week_start = e.week_start
    LEFT JOIN week_methods AS m ON l.athlete_id = m.athlete_id AND l.week_start = m.week_start
)

SELECT
    coalesce(w.athlete_id, r.athlete_id) AS athlete_id,
    coalesce(w.week_start, r.week_start) AS week_start,
    coalesce(r.runs, 0) AS runs,
    coalesce(r.running_km, 0) AS running_km,
    coalesce(r.running_hours, 0) AS running_hours,
    coalesce(w.session_load, 0) AS session_load,
    w.ctl,
    w.atl,
    w.tsb,
    w.acwr,
    w.load_spike,
    w.load_methods,
    r.median_gap_s_per_km,
    r.median_ef
FROM weeks AS w
FULL OUTER JOIN int_athlete_week_runs AS r
    ON w.athlete_id = r.athlete_id AND w.week_start = r.week_start
ORDER BY athlete_id, week_start
