-- mart_ostrc_area_weekly_ci: Every weekly OSTRC prevalence by body area lies inside its confidence interval, within 0 and 1.
SELECT
    week_start,
    area,
    prevalence_any,
    any_ci_low,
    any_ci_high,
    prevalence_substantial,
    substantial_ci_low,
    substantial_ci_high
FROM mart_ostrc_area_weekly
WHERE
    NOT prevalence_any BETWEEN any_ci_low - 1e-9 AND any_ci_high + 1e-9
    OR NOT prevalence_substantial BETWEEN substantial_ci_low - 1e-9 AND substantial_ci_high + 1e-9
    OR any_ci_low < 0 OR any_ci_high > 1 OR substantial_ci_low < 0 OR substantial_ci_high > 1
