-- mart_pace_before_after: each enrolled athlete's median GAP in the weeks before the program vs program weeks 7-12.
-- incremental: athlete_id
-- Before = the before_after_weeks ISO weeks before the first enrolment's week 1; after = program weeks
-- before_after_weeks + 1 to 2 * before_after_weeks. Median over the runs in each window; change < 0 = faster.
WITH thresholds AS (
    SELECT (7 * before_after_weeks)::INTEGER AS window_days FROM settings
),

first_enrolment AS (
    SELECT * FROM stg_enrolments
    WHERE enrolment_number = 1
),

windowed_runs AS (
    SELECT
        r.athlete_id,
        r.week_start,
        r.gap_s_per_km,
        CASE
            WHEN
                r.week_start >= e.start_week - t.window_days
                AND r.week_start < e.start_week THEN 'before'
            WHEN
                r.week_start >= e.start_week + t.window_days
                AND r.week_start < e.start_week + 2 * t.window_days THEN 'after'
        END AS period
    FROM stg_running_activities AS r
    INNER JOIN first_enrolment AS e ON r.athlete_id = e.athlete_id
    CROSS JOIN thresholds AS t
    WHERE r.gap_s_per_km IS NOT NULL
),

windows AS (
    SELECT
        athlete_id,
        median(gap_s_per_km) FILTER (WHERE period = 'before') AS gap_before_s_per_km,
        median(gap_s_per_km) FILTER (WHERE period = 'after') AS gap_after_s_per_km,
        count(DISTINCT week_start) FILTER (WHERE period = 'before') AS weeks_before,
        count(DISTINCT week_start) FILTER (WHERE period = 'after') AS weeks_after,
        count(*) FILTER (WHERE period = 'before') AS runs_before,
        count(*) FILTER (WHERE period = 'after') AS runs_after
    FROM windowed_runs
    GROUP BY ALL
)

SELECT
    e.athlete_id,
    e.start_date AS enrolment_start,
    w.gap_before_s_per_km,
    w.gap_after_s_per_km,
    w.gap_after_s_per_km - w.gap_before_s_per_km AS change_s_per_km,
    coalesce(w.weeks_before, 0) AS weeks_before,
    coalesce(w.weeks_after, 0) AS weeks_after,
    coalesce(w.runs_before, 0) AS runs_before,
    coalesce(w.runs_after, 0) AS runs_after
FROM first_enrolment AS e
LEFT JOIN windows AS w ON e.athlete_id = w.athlete_id
ORDER BY e.athlete_id
