-- mart_check_results: the latest outcome of every data check, for the Data health page.
-- Built by the publish step after every check of the run, so it shows this run's outcomes.
SELECT
    check_name,
    asset,
    severity,
    passed,
    offending_rows,
    description,
    checked_at
FROM check_results
ORDER BY passed, severity, check_name
