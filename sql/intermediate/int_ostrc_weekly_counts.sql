-- int_ostrc_weekly_counts: OSTRC respondents and athletes reporting any or a substantial problem, per week asked about.
-- Answers are per body area: an athlete has a (substantial) problem in a week when any area has one.
-- instrument_versions: the questionnaire versions the week's answers were scored by ('1.0, 2.0' when mixed).
SELECT
    week_start,
    count(DISTINCT athlete_id) AS respondents,
    (count(DISTINCT athlete_id) FILTER (WHERE problem))::BIGINT AS any_problem,
    (count(DISTINCT athlete_id) FILTER (WHERE substantial_problem))::BIGINT AS substantial_problem,
    string_agg(DISTINCT instrument_version, ', ' ORDER BY instrument_version) AS instrument_versions
FROM int_ostrc_answers
GROUP BY ALL
ORDER BY week_start
