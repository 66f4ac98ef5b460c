-- adjusted_digest: the adjusted rate ratio of the high vs the low adherence band, with how it was made.
SELECT
    irr,
    ci_low,
    ci_high,
    athletes,
    athlete_weeks,
    cases,
    cases_without_hours,
    adjusted_for,
    covariates_left_out,
    model,
    ci_method,
    design,
    not_estimable
FROM mart_injury_adjusted
WHERE case_definition = $case_definition AND group_label = 'high'
