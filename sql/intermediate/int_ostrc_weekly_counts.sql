-- int_ostrc_weekly_counts: OSTRC-O2 respondents and athletes reporting any or a substantial problem, per week asked about.
SELECT
    week_start,
    count(*) AS respondents,
    count_if(problem)::BIGINT AS any_problem,
    count_if(substantial_problem)::BIGINT AS substantial_problem
FROM ostrc_responses
GROUP BY ALL
ORDER BY week_start
