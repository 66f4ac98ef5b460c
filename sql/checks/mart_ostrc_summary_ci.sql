-- mart_ostrc_summary_ci: The mean weekly OSTRC prevalence lies inside its confidence interval.
SELECT
    measure,
    mean_weekly_prevalence,
    ci_low,
    ci_high
FROM mart_ostrc_summary
WHERE NOT mean_weekly_prevalence BETWEEN ci_low - 1e-9 AND ci_high + 1e-9
