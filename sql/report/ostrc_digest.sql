-- ostrc_digest: mean weekly OSTRC prevalence of any and of substantial problems, with its interval's method.
SELECT
    measure,
    weeks,
    athletes,
    mean_weekly_prevalence,
    ci_low,
    ci_high,
    ci_method
FROM mart_ostrc_summary
ORDER BY measure
