-- mart_form_weekly: per member, ISO week with a form run and running-form metric, the weekly median on easy runs against the member's baseline band, with device changes and the program phase.
-- incremental: athlete_id, week_start
-- Metrics (METRICS.md "Running form"): cadence_spm (steps/min), gct_ms (ground contact time, ms),
-- gct_balance_left_pct (ground contact balance, % on the left foot; chest or foot accessory only),
-- vo_mm (vertical oscillation, mm). weekly_median = median of the week's easy runs' medians
-- (int_form_runs: pace within +- pace_band_s_per_km of the baseline pace); baseline_median and
-- baseline_p25 / baseline_p75 (the baseline band, interquartile range, linear) over the easy runs
-- of the baseline weeks. devices = the week's device setups (device, with or without balance);
-- device_changed when they differ from the member's previous week with a form run.
WITH metrics AS (
    SELECT
        m.metric,
        m.metric_name,
        m.unit,
        m.display_order
    FROM (
        VALUES
        ('cadence_spm', 'Cadence', 'steps/min', 1),
        ('gct_ms', 'Ground contact time', 'ms', 2),
        ('gct_balance_left_pct', 'Ground contact balance', '% left', 3),
        ('vo_mm', 'Vertical oscillation', 'mm', 4)
    ) AS m (metric, metric_name, unit, display_order)
),

run_values AS (
    SELECT
        r.*,
        m.metric,
        m.metric_name,
        m.unit,
        m.display_order,
        CASE m.metric
            WHEN 'cadence_spm' THEN r.cadence_spm
            WHEN 'gct_ms' THEN r.gct_ms
            WHEN 'gct_balance_left_pct' THEN r.gct_balance_left_pct
            WHEN 'vo_mm' THEN r.vo_mm
        END AS value
    FROM int_form_runs AS r
    CROSS JOIN metrics AS m
),

baselines AS (
    SELECT
        athlete_id,
        metric,
        median(value) AS baseline_median,
        quantile_cont(value, 0.25) AS baseline_p25,
        quantile_cont(value, 0.75) AS baseline_p75,
        count(value) AS baseline_runs
    FROM run_values
    WHERE is_easy AND in_baseline AND value IS NOT NULL
    GROUP BY ALL
),

weeks AS (
    SELECT
        athlete_id,
        week_start,
        string_agg(DISTINCT device_setup, '; ' ORDER BY device_setup) AS devices,
        count(*) AS form_runs
    FROM int_form_runs
    GROUP BY ALL
),

device_weeks AS (
    SELECT
        *,
        lag(devices) OVER (PARTITION BY athlete_id ORDER BY week_start) AS previous_devices,
        coalesce(devices != previous_devices, FALSE) AS device_changed
    FROM weeks
),

weekly AS (
    SELECT
        athlete_id,
        week_start,
        metric,
        metric_name,
        unit,
        display_order,
        baseline_start,
        baseline_end,
        baseline_weeks,
        baseline_source,
        baseline_pace_s_per_km,
        pace_band_s_per_km,
        easy_pace_from_s_per_km,
        easy_pace_to_s_per_km,
        in_baseline,
        median(value) FILTER (WHERE is_easy) AS weekly_median,
        count(value) FILTER (WHERE is_easy) AS easy_runs
    FROM run_values
    GROUP BY ALL
)

SELECT
    w.athlete_id,
    w.week_start,
    w.metric,
    w.metric_name,
    w.unit,
    w.display_order,
    w.weekly_median,
    w.easy_runs,
    d.form_runs,
    b.baseline_median,
    b.baseline_p25,
    b.baseline_p75,
    b.baseline_runs,
    w.in_baseline,
    w.baseline_start,
    w.baseline_end,
    w.baseline_weeks,
    w.baseline_source,
    w.baseline_pace_s_per_km,
    w.pace_band_s_per_km,
    w.easy_pace_from_s_per_km,
    w.easy_pace_to_s_per_km,
    d.devices,
    d.previous_devices,
    d.device_changed,
    p.program_week,
    p.phase_name
FROM weekly AS w
INNER JOIN device_weeks AS d ON w.athlete_id = d.athlete_id AND w.week_start = d.week_start
LEFT JOIN baselines AS b ON w.athlete_id = b.athlete_id AND w.metric = b.metric
LEFT JOIN int_program_weeks AS p ON w.athlete_id = p.athlete_id AND w.week_start = p.week_start
ORDER BY w.athlete_id, w.display_order, w.week_start
