-- mart_assessment_change_by_band: change per 12 weeks in hip abduction torque (Nm/kg) and in the single-leg squat good share, by adherence band over the same weeks, with 95% CIs (observational).
-- Per athlete and measure: the least-squares slope of the session values over days x 84 (torque_nm_kg:
-- a session's mean of its sides), from the athlete's first session with the measure to the latest, when
-- the latest is at least assessment_retest_weeks after the first. The band is the session adherence
-- (credited / prescribed sessions) of the complete enrolled weeks from the first session's week to the latest's,
-- cut as in int_adherence_cumulative; not_enrolled without enrolled weeks there. Per band: athletes, mean,
-- SD and the t-interval mean +- t(0.975, n - 1) x SD / sqrt(n) (n >= 2); t from the table for 1-30 degrees
-- of freedom, beyond by the Cornish-Fisher expansion (error < 1e-5). Observational: members choose
-- their adherence, so a difference between bands is an association, not the program's effect.
WITH thresholds AS (
    SELECT
        adherence_high,
        adherence_medium,
        7 * assessment_retest_weeks AS min_span_days
    FROM settings
),

t_table (df, t975) AS (
    VALUES
    (1, 12.7062), (2, 4.3027), (3, 3.1824), (4, 2.7764), (5, 2.5706), (6, 2.4469),
    (7, 2.3646), (8, 2.3060), (9, 2.2622), (10, 2.2281), (11, 2.2010), (12, 2.1788),
    (13, 2.1604), (14, 2.1448), (15, 2.1314), (16, 2.1199), (17, 2.1098), (18, 2.1009),
    (19, 2.0930), (20, 2.0860), (21, 2.0796), (22, 2.0739), (23, 2.0687), (24, 2.0639),
    (25, 2.0595), (26, 2.0555), (27, 2.0518), (28, 2.0484), (29, 2.0452), (30, 2.0423)
),

session_values AS (
    SELECT
        athlete_id,
        session_id,
        assessed_on,
        measure,
        avg(value ORDER BY value) AS value
    FROM int_assessment_values
    WHERE
        value IS NOT NULL
        AND (
            (test = 'hip_abduction_hhd' AND measure = 'torque_nm_kg')
            OR (test = 'single_leg_squat' AND measure = 'good_share')
        )
    GROUP BY ALL
),

spans AS (
    SELECT
        athlete_id,
        measure,
        min(assessed_on) AS first_on,
        max(assessed_on) AS last_on,
        count(*) AS sessions,
        regr_slope(
            value, assessed_on - DATE '1970-01-01' ORDER BY assessed_on, value
        ) * 84 AS change_per_12_weeks
    FROM session_values
    GROUP BY ALL
),

athlete_changes AS (
    SELECT s.*
    FROM spans AS s
    CROSS JOIN thresholds AS t
    WHERE s.last_on - s.first_on >= t.min_span_days
),

interval_adherence AS (
    SELECT
        c.athlete_id,
        c.measure,
        sum(w.credited_sessions) / nullif(sum(w.prescribed_sessions), 0) AS session_adherence
    FROM athlete_changes AS c
    INNER JOIN int_adherence_weekly AS w
        ON
            c.athlete_id = w.athlete_id
            AND w.week_start BETWEEN date_trunc('week', c.first_on) AND c.last_on
            AND w.week_complete
    GROUP BY ALL
),

banded AS (
    SELECT
        c.measure,
        c.change_per_12_weeks,
        CASE
            WHEN a.session_adherence >= t.adherence_high THEN 'high'
            WHEN a.session_adherence >= t.adherence_medium THEN 'medium'
            WHEN a.session_adherence IS NOT NULL THEN 'low'
            ELSE 'not_enrolled'
        END AS adherence_band
    FROM athlete_changes AS c
    CROSS JOIN thresholds AS t
    LEFT JOIN interval_adherence AS a ON c.athlete_id = a.athlete_id AND c.measure = a.measure
),

per_band AS (
    SELECT
        measure,
        adherence_band,
        count(*) AS athletes,
        avg(change_per_12_weeks ORDER BY change_per_12_weeks) AS mean_change_per_12_weeks,
        stddev_samp(change_per_12_weeks ORDER BY change_per_12_weeks) AS sd_change_per_12_weeks
    FROM banded
    GROUP BY ALL
),

with_t AS (
    SELECT
        b.*,
        coalesce(
            q.t975,
            1.959963984540054
            + (1.959963984540054 ^ 3 + 1.959963984540054) / (4 * (b.athletes - 1))
            + (
                5 * 1.959963984540054 ^ 5 + 16 * 1.959963984540054 ^ 3 + 3 * 1.959963984540054
            ) / (96 * (b.athletes - 1) ^ 2)
            + (
                3 * 1.959963984540054 ^ 7 + 19 * 1.959963984540054 ^ 5
                + 17 * 1.959963984540054 ^ 3 - 15 * 1.959963984540054
            ) / (384 * (b.athletes - 1) ^ 3)
        ) AS t975
    FROM per_band AS b
    LEFT JOIN t_table AS q ON b.athletes - 1 = q.df
)

SELECT
    measure,
    CASE measure WHEN 'torque_nm_kg' THEN 'Nm/kg' ELSE 'share of sides rated good' END AS unit,
    adherence_band,
    athletes,
    mean_change_per_12_weeks,
    sd_change_per_12_weeks,
    CASE
        WHEN athletes >= 2
            THEN mean_change_per_12_weeks - t975 * sd_change_per_12_weeks / sqrt(athletes)
    END AS ci_low,
    CASE
        WHEN athletes >= 2
            THEN mean_change_per_12_weeks + t975 * sd_change_per_12_weeks / sqrt(athletes)
    END AS ci_high,
    't-interval, 95%, over athletes; per athlete least-squares slope x 84 days' AS ci_method,
    'observational' AS design
FROM with_t
ORDER BY
    measure,
    CASE adherence_band WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END
