-- mart_at_risk: athletes the coach may want to talk to, one row per reason with a readable detail.
-- Reasons: load_spike (ACWR above acwr_spike in the latest data week: a flag, not a prediction);
-- substantial_ostrc (a substantial OSTRC problem, in any body area, in the latest ostrc_recent_weeks
-- weeks of answers; severity = the week's highest area severity);
-- same_area_3_weeks (an OSTRC problem in the same body area in each of three consecutive ISO weeks,
-- W-2, W-1 and W, all three answered about that area, where W is in the latest ostrc_recent_weeks weeks
-- of answers; an unanswered week in between breaks the run; whole-body answers (area 'all') are not an
-- area; as_of = the latest such W, all areas with a run ending then named);
-- adherence_drop (falling_behind in mart_adherence_athlete);
-- assessment_worsened (in the athlete's latest session with a test, a measured value worse than its
-- baseline beyond the test's real-change threshold, mart_assessment_results; ratings are shown on the
-- assessment pages, not flagged: raters agree poorly). as_of = the date the evidence is from.
WITH thresholds AS (
    SELECT
        acwr_spike,
        (7 * ostrc_recent_weeks)::INTEGER AS ostrc_recent_days,
        falling_behind_weeks
    FROM settings
),

load_spikes AS (
    SELECT
        w.athlete_id,
        'load_spike' AS reason,
        format(
            'ACWR {:.2f} in week of {} (spike threshold {})',
            w.acwr, strftime(w.week_start, '%Y-%m-%d'), t.acwr_spike
        ) AS detail,
        w.week_start AS as_of
    FROM mart_athlete_weekly AS w
    INNER JOIN int_data_as_of AS d ON w.week_start = d.as_of_week
    CROSS JOIN thresholds AS t
    WHERE w.load_spike
),

ostrc_problems AS (
    SELECT
        o.athlete_id,
        'substantial_ostrc' AS reason,
        format(
            'Substantial OSTRC problem in week of {} (severity {} of 100)',
            strftime(o.week_start, '%Y-%m-%d'), o.severity
        ) AS detail,
        o.week_start AS as_of
    FROM int_ostrc_athlete_weeks AS o
    CROSS JOIN thresholds AS t
    WHERE
        o.substantial_problem
        AND o.week_start
        > (SELECT max(r.week_start) FROM int_ostrc_answers AS r) - t.ostrc_recent_days
    QUALIFY row_number() OVER (PARTITION BY o.athlete_id ORDER BY o.week_start DESC) = 1
),

area_problem_runs AS (
    -- rows with a problem are unique per athlete, area and Monday: 3 within 14 days = W-2, W-1 and W
    SELECT
        athlete_id,
        area,
        week_start,
        count(*) OVER (
            PARTITION BY athlete_id, area
            ORDER BY week_start
            RANGE BETWEEN INTERVAL 14 DAYS PRECEDING AND CURRENT ROW
        ) AS problem_weeks
    FROM int_ostrc_answers
    WHERE problem AND area <> 'all'
),

latest_area_runs AS (
    SELECT
        p.athlete_id,
        p.week_start,
        coalesce(a.label, p.area) AS area_label,
        p.area
    FROM area_problem_runs AS p
    LEFT JOIN ostrc_areas AS a ON p.area = a.area
    CROSS JOIN thresholds AS t
    WHERE
        p.problem_weeks = 3
        AND p.week_start
        > (SELECT max(r.week_start) FROM int_ostrc_answers AS r) - t.ostrc_recent_days
    QUALIFY rank() OVER (PARTITION BY p.athlete_id ORDER BY p.week_start DESC) = 1
),

same_area_problems AS (
    SELECT
        athlete_id,
        'same_area_3_weeks' AS reason,
        format(
            'OSTRC problem in the same area 3 weeks running ({}): weeks of {}, {} and {}, each answered with a problem there',  -- noqa: LT05
            string_agg(area_label, ', ' ORDER BY area),
            strftime(week_start - INTERVAL 14 DAYS, '%Y-%m-%d'),
            strftime(week_start - INTERVAL 7 DAYS, '%Y-%m-%d'),
            strftime(week_start, '%Y-%m-%d')
        ) AS detail,
        week_start AS as_of
    FROM latest_area_runs
    GROUP BY athlete_id, week_start
),

adherence_drops AS (
    SELECT
        a.athlete_id,
        'adherence_drop' AS reason,
        format(
            'Session adherence {:.0f}% over the last {} weeks, below {:.0f}% for the {} band (cumulative {:.0f}%)',  -- noqa: LT05
            100 * a.last4_session_adherence, t.falling_behind_weeks,
            100 * a.falling_behind_threshold, a.adherence_band, 100 * a.cumulative_session_adherence
        ) AS detail,
        d.as_of_week AS as_of
    FROM mart_adherence_athlete AS a
    CROSS JOIN int_data_as_of AS d
    CROSS JOIN thresholds AS t
    WHERE a.falling_behind
),

latest_assessments AS (
    SELECT *
    FROM mart_assessment_results
    QUALIFY assessed_on = max(assessed_on) OVER (PARTITION BY athlete_id, test)
),

assessment_worsenings AS (
    SELECT
        athlete_id,
        'assessment_worsened' AS reason,
        'Assessment worsened beyond noise: ' || string_agg(
            format(
                '{} {}{} {:.3g} {} vs {:.3g} at baseline {} (test noise {:.3g})',
                test_name, measure_name, CASE WHEN side = 'both' THEN '' ELSE ' ' || side END,
                value, unit, baseline_value, strftime(baseline_on, '%Y-%m-%d'), real_change_abs
            ),
            '; ' ORDER BY test, measure, side
        ) AS detail,
        max(assessed_on) AS as_of
    FROM latest_assessments
    WHERE kind = 'number' AND direction = 'worse'
    GROUP BY athlete_id
),

reasons AS (
    SELECT * FROM load_spikes
    UNION ALL
    SELECT * FROM ostrc_problems
    UNION ALL
    SELECT * FROM same_area_problems
    UNION ALL
    SELECT * FROM adherence_drops
    UNION ALL
    SELECT * FROM assessment_worsenings
)

SELECT
    r.athlete_id,
    a.display_name,
    r.reason,
    r.detail,
    r.as_of
FROM reasons AS r
LEFT JOIN athletes AS a ON r.athlete_id = a.athlete_id
ORDER BY r.athlete_id, r.reason
