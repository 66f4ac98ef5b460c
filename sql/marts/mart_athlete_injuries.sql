-- mart_athlete_injuries: every injury (club log, app reports, classified OSTRC problems) with its case definitions, for the athlete's injury history.
SELECT
    athlete_id,
    injury_id,
    onset_date,
    body_region,
    side,
    description,
    modified_days,
    stopped_days,
    consulted_professional,
    running_related_injury,
    time_loss,
    any_complaint,
    at_risk_again_date,
    source,
    problem_id
FROM int_injuries
ORDER BY athlete_id, onset_date
