-- int_form_runs: every canonical run with running dynamics, with its device, its member's baseline weeks and pace band, and whether it is an easy run in that band.
-- incremental: athlete_id
-- Values are the run's medians (activity_dynamics): cadence steps/min, ground contact time ms,
-- ground contact balance % left (null without a chest or foot accessory, never 0), vertical
-- oscillation mm. Baseline weeks: the form_baseline_weeks ISO weeks before the first enrolment's
-- week 1 when the member has a form run there (baseline_source before_program), else the
-- form_baseline_weeks weeks from the member's first form run (first_weeks_of_data). Baseline pace =
-- median moving pace of the form runs in the baseline weeks; an easy run's pace is within
-- +- form_pace_band_s_per_km of it (these metrics move with speed). device_setup = the device and
-- whether it recorded balance, so a new watch or a new accessory shows as a device change.
WITH thresholds AS (
    SELECT
        form_pace_band_s_per_km AS pace_band_s_per_km,
        form_baseline_weeks AS baseline_weeks,
        (7 * form_baseline_weeks)::INTEGER AS baseline_days
    FROM settings
),

form_runs AS (
    SELECT
        r.athlete_id,
        r.activity_id,
        r.local_date,
        r.week_start,
        r.pace_s_per_km,
        d.cadence_spm_median AS cadence_spm,
        d.gct_ms_median AS gct_ms,
        d.gct_balance_left_pct_median AS gct_balance_left_pct,
        d.vo_mm_median AS vo_mm,
        coalesce(d.device, 'device not stated') AS device,
        d.gct_balance_left_pct_median IS NOT NULL AS has_balance
    FROM stg_running_activities AS r
    INNER JOIN activity_dynamics AS d ON r.activity_id = d.activity_id
    WHERE
        d.cadence_spm_median IS NOT NULL
        OR d.gct_ms_median IS NOT NULL
        OR d.gct_balance_left_pct_median IS NOT NULL
        OR d.vo_mm_median IS NOT NULL
),

first_enrolment AS (
    SELECT
        athlete_id,
        start_week
    FROM stg_enrolments
    WHERE enrolment_number = 1
),

first_weeks AS (
    SELECT
        f.athlete_id,
        e.start_week - t.baseline_days AS before_program_start,
        min(f.week_start) AS first_form_week,
        bool_or(
            f.week_start >= e.start_week - t.baseline_days AND f.week_start < e.start_week
        ) AS runs_before_program
    FROM form_runs AS f
    CROSS JOIN thresholds AS t
    LEFT JOIN first_enrolment AS e ON f.athlete_id = e.athlete_id
    GROUP BY ALL
),

baseline_windows AS (
    SELECT
        w.athlete_id,
        t.pace_band_s_per_km,
        t.baseline_weeks,
        CASE
            WHEN w.runs_before_program THEN 'before_program' ELSE 'first_weeks_of_data'
        END AS baseline_source,
        CASE
            WHEN w.runs_before_program THEN w.before_program_start ELSE w.first_form_week
        END AS baseline_start,
        CASE
            WHEN w.runs_before_program THEN w.before_program_start ELSE w.first_form_week
        END + t.baseline_days AS baseline_end
    FROM first_weeks AS w
    CROSS JOIN thresholds AS t
),

baselines AS (
    SELECT
        w.*,
        median(f.pace_s_per_km) FILTER (
            WHERE f.week_start >= w.baseline_start AND f.week_start < w.baseline_end
        ) AS baseline_pace_s_per_km
    FROM baseline_windows AS w
    INNER JOIN form_runs AS f ON w.athlete_id = f.athlete_id
    GROUP BY ALL
)

SELECT
    f.athlete_id,
    f.activity_id,
    f.local_date,
    f.week_start,
    f.pace_s_per_km,
    f.cadence_spm,
    f.gct_ms,
    f.gct_balance_left_pct,
    f.vo_mm,
    f.device,
    f.has_balance,
    f.device || CASE WHEN f.has_balance THEN ' with balance' ELSE ' without balance' END
        AS device_setup,
    b.baseline_start,
    b.baseline_end,
    b.baseline_weeks,
    b.baseline_source,
    b.baseline_pace_s_per_km,
    b.pace_band_s_per_km,
    b.baseline_pace_s_per_km - b.pace_band_s_per_km AS easy_pace_from_s_per_km,
    b.baseline_pace_s_per_km + b.pace_band_s_per_km AS easy_pace_to_s_per_km,
    f.week_start >= b.baseline_start AND f.week_start < b.baseline_end AS in_baseline,
    coalesce(abs(f.pace_s_per_km - b.baseline_pace_s_per_km) <= b.pace_band_s_per_km, FALSE)
        AS is_easy
FROM form_runs AS f
INNER JOIN baselines AS b ON f.athlete_id = b.athlete_id
