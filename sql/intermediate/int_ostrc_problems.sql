-- int_ostrc_problems: each OSTRC problem episode, per athlete and body area: consecutive answered weeks with a problem there.
-- A week without a problem in the area, or a week not answered, ends the episode. problem_id is
-- 'ostrc:<area>:<first week>', unique per athlete; the coach classifies an episode once.
WITH problem_weeks AS (
    SELECT
        athlete_id,
        area,
        week_start,
        severity,
        substantial_problem,
        week_start
        - 7 * (row_number() OVER (PARTITION BY athlete_id, area ORDER BY week_start))::INTEGER
            AS episode
    FROM int_ostrc_answers
    WHERE problem AND area <> 'all'
)

SELECT
    p.athlete_id,
    'ostrc:' || p.area || ':' || strftime(min(p.week_start), '%Y-%m-%d') AS problem_id,
    p.area,
    min(p.week_start) AS first_week,
    max(p.week_start) AS last_week,
    count(*) AS weeks,
    max(p.severity) AS max_severity,
    bool_or(p.substantial_problem) AS substantial
FROM problem_weeks AS p
GROUP BY p.athlete_id, p.area, p.episode
