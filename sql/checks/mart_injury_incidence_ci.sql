-- mart_injury_incidence_ci: Every incidence rate and rate ratio lies inside its own confidence interval.
SELECT
    case_definition,
    comparison,
    group_label,
    rate_per_1000h,
    ci_low,
    ci_high,
    irr,
    irr_ci_low,
    irr_ci_high
FROM mart_injury_incidence
WHERE
    rate_per_1000h < ci_low - 1e-9
    OR rate_per_1000h > ci_high + 1e-9
    OR irr < irr_ci_low - 1e-9
    OR irr > irr_ci_high + 1e-9
