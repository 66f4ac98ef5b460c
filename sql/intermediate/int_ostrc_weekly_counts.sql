-- int_ostrc_weekly_counts: OSTRC respondents and athletes reporting any or a substantial problem, per week asked about.
-- instrument_versions: the questionnaire versions the week's answers were scored by ('1.0, 2.0' when mixed).
SELECT
    week_start,
    count(*) AS respondents,
    count_if(problem)::BIGINT AS any_problem,
    count_if(substantial_problem)::BIGINT AS substantial_problem,
    string_agg(DISTINCT instrument_version, ', ' ORDER BY instrument_version) AS instrument_versions
FROM ostrc_responses
GROUP BY ALL
ORDER BY week_start
