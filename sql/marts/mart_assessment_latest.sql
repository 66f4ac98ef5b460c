-- mart_assessment_latest: each athlete's latest value of every test, measure and side (mart_assessment_results), with the athlete's name.
-- incremental: athlete_id
-- Latest = the last assessment date, the later session on a tie. Only the columns the coach's
-- "Latest values" shows, plots against the norm and downloads: it reads one test at a time from here
-- instead of ranking the whole assessment history on every page view.
SELECT
    r.athlete_id,
    a.display_name,
    r.test,
    r.test_name,
    r.measure,
    r.measure_name,
    r.side,
    r.assessed_on,
    r.assessor,
    r.value,
    r.level,
    r.unit,
    r.norm_predicted,
    r.norm_sd,
    r.norm_z
FROM mart_assessment_results AS r
INNER JOIN athletes AS a ON r.athlete_id = a.athlete_id
QUALIFY
    row_number() OVER (
        PARTITION BY r.athlete_id, r.test, r.measure, r.side
        ORDER BY r.assessed_on DESC, r.session_id DESC
    ) = 1
ORDER BY r.test, r.measure, a.display_name, r.side
