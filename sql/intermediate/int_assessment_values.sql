-- int_assessment_values: one row per live assessment session x test x measure x side, trials combined, with the derived measures as rows of their own.
-- incremental: athlete_id
-- Sessions: the app's (assessment_sessions) and club/assessments.csv's (assessment_csv_sessions); a
-- session named by a later entry's supersedes is dropped (the correction's results replace it); a
-- correction replaces only a session of the same athlete.
-- Trials combine per the catalogue (assessment_measures.combine): best = max when higher is better,
-- min when lower; mean; single. level_rank = the level's place in the catalogue's list (0 = best).
-- Derived (docs/ASSESSMENTS.md, METRICS.md): torque_nm_kg = best force_n x lever_arm_m / body mass;
-- composite_pct = (anterior + posteromedial + posterolateral) / (3 x leg_length) x 100 per side;
-- lsi_pct (side both) = lower side / higher side x 100 of the measure named in derived_from, when
-- both sides have it; good_share (side both) = sides whose overall rating is the first level / sides
-- rated.
WITH sessions AS (
    SELECT
        session_id,
        athlete_id,
        assessed_on,
        assessor,
        body_mass_kg
    FROM assessment_sessions AS s
    WHERE
        NOT EXISTS (
            SELECT 1 FROM assessment_sessions AS c
            WHERE c.supersedes = s.session_id AND c.athlete_id = s.athlete_id
        )
    UNION ALL
    SELECT
        session_id,
        athlete_id,
        assessed_on,
        assessor,
        body_mass_kg
    FROM assessment_csv_sessions
),

results AS (
    SELECT
        session_id,
        test,
        measure,
        side,
        value_num,
        value_level
    FROM assessment_results
    UNION ALL
    SELECT
        session_id,
        test,
        measure,
        side,
        value_num,
        value_level
    FROM assessment_csv_results
),

combined AS (
    SELECT
        s.athlete_id,
        s.session_id,
        s.assessed_on,
        s.assessor,
        r.test,
        r.measure,
        r.side,
        CASE
            WHEN m.combine = 'mean' THEN avg(r.value_num ORDER BY r.value_num)
            WHEN m.combine = 'best' AND m.better = 'lower' THEN min(r.value_num)
            ELSE max(r.value_num)
        END AS value,
        any_value(r.value_level) AS level,
        any_value(list_position(m.levels, r.value_level)) - 1 AS level_rank
    FROM results AS r
    INNER JOIN sessions AS s ON r.session_id = s.session_id
    INNER JOIN assessment_measures AS m ON r.test = m.test AND r.measure = m.measure
    GROUP BY
        s.athlete_id, s.session_id, s.assessed_on, s.assessor, r.test, r.measure, r.side,
        m.combine, m.better
),

torque AS (
    SELECT
        f.athlete_id,
        f.session_id,
        f.assessed_on,
        f.assessor,
        f.test,
        'torque_nm_kg' AS measure,
        f.side,
        f.value * l.value / s.body_mass_kg AS value
    FROM combined AS f
    INNER JOIN combined AS l
        ON
            f.session_id = l.session_id
            AND f.test = l.test
            AND f.side = l.side
            AND l.measure = 'lever_arm_m'
    INNER JOIN sessions AS s ON f.session_id = s.session_id
    WHERE f.test = 'hip_abduction_hhd' AND f.measure = 'force_n'
),

composite AS (
    SELECT
        athlete_id,
        session_id,
        assessed_on,
        assessor,
        test,
        'composite_pct' AS measure,
        side,
        (
            max(value) FILTER (WHERE measure = 'anterior_cm')
            + max(value) FILTER (WHERE measure = 'posteromedial_cm')
            + max(value) FILTER (WHERE measure = 'posterolateral_cm')
        )
        / (3 * max(value) FILTER (WHERE measure = 'leg_length_cm')) * 100 AS value
    FROM combined
    WHERE test = 'y_balance'
    GROUP BY athlete_id, session_id, assessed_on, assessor, test, side
),

sided AS (
    SELECT * FROM combined
    UNION ALL
    SELECT
        *,
        NULL AS level,
        NULL AS level_rank
    FROM torque
    UNION ALL
    SELECT
        *,
        NULL AS level,
        NULL AS level_rank
    FROM composite
),

symmetry AS (
    SELECT
        v.athlete_id,
        v.session_id,
        v.assessed_on,
        v.assessor,
        v.test,
        m.measure,
        'both' AS side,
        min(v.value) / max(v.value) * 100 AS value
    FROM sided AS v
    INNER JOIN assessment_measures AS m
        ON v.test = m.test AND v.measure = m.derived_from AND m.measure = 'lsi_pct'
    WHERE v.side IN ('left', 'right') AND v.value IS NOT NULL
    GROUP BY v.athlete_id, v.session_id, v.assessed_on, v.assessor, v.test, m.measure
    HAVING count(DISTINCT v.side) = 2 AND max(v.value) > 0
),

good_share AS (
    SELECT
        athlete_id,
        session_id,
        assessed_on,
        assessor,
        test,
        'good_share' AS measure,
        'both' AS side,
        count_if(level_rank = 0) / count(*) AS value
    FROM combined
    WHERE test = 'single_leg_squat' AND measure = 'overall' AND level_rank IS NOT NULL
    GROUP BY athlete_id, session_id, assessed_on, assessor, test
)

SELECT
    athlete_id,
    session_id,
    assessed_on,
    assessor,
    test,
    measure,
    side,
    value,
    level,
    level_rank
FROM sided
UNION ALL
SELECT
    *,
    NULL AS level,
    NULL AS level_rank
FROM symmetry
UNION ALL
SELECT
    *,
    NULL AS level,
    NULL AS level_rank
FROM good_share
