-- int_ostrc_area_weekly_counts: per week asked about and body area, the athletes who answered about that
-- area and those reporting a (substantial) problem in it. 'all' = answers for the whole body (no area).
SELECT
    o.week_start,
    o.area,
    CASE WHEN o.area = 'all' THEN 'Whole body' ELSE coalesce(a.label, o.area) END AS area_label,
    count(*) AS respondents,
    count_if(o.problem)::BIGINT AS any_problem,
    count_if(o.substantial_problem)::BIGINT AS substantial_problem
FROM int_ostrc_answers AS o
LEFT JOIN ostrc_areas AS a ON o.area = a.area
GROUP BY ALL
ORDER BY o.week_start, o.area
