-- mart_assessment_results: every assessed value (int_assessment_values) with its baseline, change, the test's real-change threshold, direction, assessor change and, for break-test hip abduction torque, the Ramskov 2014 norm.
-- incremental: athlete_id
-- Baseline: the athlete's first session with that test, measure and side. change = value - baseline,
-- change_pct = change / baseline x 100 (numbers). real_change_abs = the catalogue's real_change in the
-- measure's unit (pct: of the baseline value). beyond_noise = |change| >= real_change_abs; direction =
-- better / worse (beyond noise, by the catalogue's `better`) or within_noise; null without a threshold.
-- Levels (ratings, no noise threshold): direction by the level's rank against the baseline's (better =
-- nearer the first level), beyond_noise = the rank moved. assessor_changed: the previous session with
-- the test had another assessor (visual ratings agree poorly between raters, Crossley 2011).
-- Norm (Ramskov 2014, novice runners, eccentric = break test): predicted = 1.600 - 0.005 x age +
-- 0.215 x male, SD 0.354, z = (torque - predicted) / SD; age = assessment year - roster birth_year;
-- null without birth_year, with sex other than F or M, or for a make test.
WITH sessions AS (
    SELECT DISTINCT
        athlete_id,
        session_id,
        assessed_on,
        test,
        assessor
    FROM int_assessment_values
),

visits AS (
    SELECT
        session_id,
        test,
        assessor,
        lag(assessor) OVER (
            PARTITION BY athlete_id, test ORDER BY assessed_on, session_id
        ) AS previous_assessor
    FROM sessions
),

valued AS (
    SELECT
        v.*,
        first_value(v.assessed_on) OVER w AS baseline_on,
        first_value(v.value) OVER w AS baseline_value,
        first_value(v.level) OVER w AS baseline_level,
        first_value(v.level_rank) OVER w AS baseline_level_rank
    FROM int_assessment_values AS v
    WINDOW w AS (
        PARTITION BY v.athlete_id, v.test, v.measure, v.side ORDER BY v.assessed_on, v.session_id
    )
),

modes AS (
    SELECT
        session_id,
        side,
        level AS mode
    FROM int_assessment_values
    WHERE test = 'hip_abduction_hhd' AND measure = 'mode'
),

changes AS (
    SELECT
        v.*,
        m.test_name,
        m.measure_name,
        m.unit,
        m.kind,
        m.better,
        m.derived,
        m.real_change,
        m.real_change_unit,
        v.value - v.baseline_value AS change,
        (v.value - v.baseline_value) / nullif(v.baseline_value, 0) * 100 AS change_pct,
        CASE m.real_change_unit
            WHEN 'pct' THEN abs(v.baseline_value) * m.real_change / 100
            WHEN 'abs' THEN m.real_change
        END AS real_change_abs,
        v.level_rank - v.baseline_level_rank AS rank_change
    FROM valued AS v
    INNER JOIN assessment_measures AS m ON v.test = m.test AND v.measure = m.measure
),

judged AS (
    SELECT
        *,
        CASE
            WHEN kind = 'level' AND better <> 'none' THEN rank_change <> 0
            WHEN real_change_abs IS NOT NULL THEN abs(change) >= real_change_abs
        END AS beyond_noise
    FROM changes
),

normed AS (
    SELECT
        c.*,
        CASE WHEN md.mode = 'break' AND a.sex IN ('F', 'M') THEN 0.354::DOUBLE END AS norm_sd,
        CASE
            WHEN md.mode = 'break' AND a.sex IN ('F', 'M')
                THEN
                    1.600::DOUBLE - 0.005 * (year(c.assessed_on) - a.birth_year)
                    + 0.215 * (a.sex = 'M')::INTEGER
        END AS norm_predicted
    FROM judged AS c
    LEFT JOIN modes AS md
        ON c.session_id = md.session_id AND c.side = md.side AND c.measure = 'torque_nm_kg'
    LEFT JOIN athletes AS a ON c.athlete_id = a.athlete_id
)

SELECT
    j.athlete_id,
    j.session_id,
    j.assessed_on,
    j.assessor,
    j.test,
    j.test_name,
    j.measure,
    j.measure_name,
    j.unit,
    j.kind,
    j.derived,
    j.better,
    j.side,
    j.value,
    j.level,
    j.level_rank,
    j.baseline_on,
    j.baseline_value,
    j.baseline_level,
    j.assessed_on = j.baseline_on AS is_baseline,
    j.change,
    j.change_pct,
    j.real_change,
    j.real_change_unit,
    j.real_change_abs,
    j.beyond_noise,
    CASE
        WHEN j.beyond_noise IS NULL THEN NULL
        WHEN NOT j.beyond_noise THEN 'within_noise'
        WHEN j.kind = 'level' THEN CASE WHEN j.rank_change < 0 THEN 'better' ELSE 'worse' END
        WHEN (j.change > 0) = (j.better = 'higher') THEN 'better'
        ELSE 'worse'
    END AS direction,
    coalesce(t.previous_assessor <> t.assessor, FALSE) AS assessor_changed,
    t.previous_assessor,
    j.norm_predicted,
    j.norm_sd,
    (j.value - j.norm_predicted) / j.norm_sd AS norm_z
FROM normed AS j
INNER JOIN visits AS t ON j.session_id = t.session_id AND j.test = t.test
ORDER BY j.athlete_id, j.test, j.measure, j.side, j.assessed_on
