-- int_incidence_counts: new cases and running hours at risk per case definition and comparison group, every group present even when empty.
-- Groups: the club; adherence bands (reference low; exposure without a lagged band is left out);
-- enrolled vs not enrolled (reference not enrolled). The statistics are added by mart_injury_incidence.
-- Hours are exact decimal sums, the same in any order (as int_running_exposure's).
WITH definitions AS (
    SELECT * FROM (
        VALUES
        ('running_related_injury', 1),
        ('time_loss', 2),
        ('any_complaint', 3)
    ) AS d (case_definition, definition_order)  -- noqa: AL05
),

comparison_groups AS (
    SELECT * FROM (
        VALUES
        ('club', 'all', NULL, 1),
        ('adherence_band', 'high', 'low', 2),
        ('adherence_band', 'medium', 'low', 3),
        ('adherence_band', 'low', 'low', 4),
        ('enrolment', 'enrolled', 'not enrolled', 5),
        ('enrolment', 'not enrolled', 'not enrolled', 6)
    ) AS g (comparison, group_label, reference_group, group_order)  -- noqa: AL05
),

hours AS (
    SELECT
        case_definition,
        'club' AS comparison,
        'all' AS group_label,
        sum(hours_at_risk::DECIMAL(18, 9))::DOUBLE AS hours
    FROM int_running_exposure
    GROUP BY ALL
    UNION ALL
    SELECT
        case_definition,
        'adherence_band' AS comparison,
        adherence_band AS group_label,
        sum(hours_at_risk::DECIMAL(18, 9))::DOUBLE AS hours
    FROM int_running_exposure
    WHERE adherence_band IS NOT NULL
    GROUP BY ALL
    UNION ALL
    SELECT
        case_definition,
        'enrolment' AS comparison,
        enrolment_group AS group_label,
        sum(hours_at_risk::DECIMAL(18, 9))::DOUBLE AS hours
    FROM int_running_exposure
    GROUP BY ALL
),

cases AS (
    SELECT
        case_definition,
        'club' AS comparison,
        'all' AS group_label,
        count(*) AS cases
    FROM int_injury_cases
    GROUP BY ALL
    UNION ALL
    SELECT
        case_definition,
        'adherence_band' AS comparison,
        adherence_band AS group_label,
        count(*) AS cases
    FROM int_injury_cases
    WHERE adherence_band IS NOT NULL
    GROUP BY ALL
    UNION ALL
    SELECT
        case_definition,
        'enrolment' AS comparison,
        enrolment_group AS group_label,
        count(*) AS cases
    FROM int_injury_cases
    GROUP BY ALL
)

SELECT
    d.case_definition,
    g.comparison,
    g.group_label,
    g.reference_group,
    coalesce(c.cases, 0) AS cases,
    coalesce(h.hours, 0.0) AS hours
FROM definitions AS d
CROSS JOIN comparison_groups AS g
LEFT JOIN hours AS h
    ON
        d.case_definition = h.case_definition
        AND g.comparison = h.comparison
        AND g.group_label = h.group_label
LEFT JOIN cases AS c
    ON
        d.case_definition = c.case_definition
        AND g.comparison = c.comparison
        AND g.group_label = c.group_label
ORDER BY d.definition_order, g.group_order
