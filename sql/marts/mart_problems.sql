-- mart_problems: every problem reported in the app and every OSTRC problem episode, with the coach's latest classification; needs_follow_up is the coach's queue.
-- needs_follow_up: not classified yet, and either a report or an OSTRC problem still answered within
-- the last followup_weeks weeks of data (older unclassified episodes are history, not a queue).
-- The member sees their own rows, classification read-only.
WITH problems AS (
    SELECT
        athlete_id,
        'report:' || report_id AS problem_id,
        'report' AS source,
        area,
        side,
        onset_date AS first_date,
        onset_date AS last_date,
        onset,
        description,
        can_run,
        NULL::INTEGER AS max_severity,
        NULL::BOOLEAN AS substantial,
        entered_at AS reported_at,
        entered_role AS reported_by
    FROM injury_reports
    UNION ALL
    SELECT
        athlete_id,
        problem_id,
        'OSTRC check-in' AS source,
        area,
        NULL AS side,
        first_week AS first_date,
        last_week AS last_date,
        NULL AS onset,
        format(
            '{} week(s) answered with a problem, highest severity {} of 100', weeks, max_severity
        ) AS description,
        NULL::BOOLEAN AS can_run,
        max_severity,
        substantial,
        NULL::TIMESTAMPTZ AS reported_at,
        NULL AS reported_by
    FROM int_ostrc_problems
)

SELECT
    p.athlete_id,
    ath.display_name,
    p.problem_id,
    p.source,
    p.area,
    coalesce(ar.label, p.area) AS area_label,
    p.side,
    p.first_date,
    p.last_date,
    p.onset,
    p.description,
    p.can_run,
    p.max_severity,
    p.substantial,
    p.reported_at,
    p.reported_by,
    c.problem_type,
    c.diagnosis,
    c.time_loss_days,
    c.consulted_professional,
    c.recurrence,
    c.resolved_date,
    c.classified_at,
    c.classified_by,
    c.problem_id IS NULL
    AND (p.source = 'report' OR p.last_date > d.as_of_week - (7 * s.followup_weeks)::INTEGER)
        AS needs_follow_up
FROM problems AS p
INNER JOIN athletes AS ath ON p.athlete_id = ath.athlete_id
LEFT JOIN ostrc_areas AS ar ON p.area = ar.area
LEFT JOIN int_problem_classifications AS c
    ON p.athlete_id = c.athlete_id AND p.problem_id = c.problem_id
CROSS JOIN int_data_as_of AS d
CROSS JOIN settings AS s
ORDER BY p.athlete_id, p.first_date, p.problem_id
