-- stg_injuries: the injury log with its three case definitions and the days the athlete is not at risk of a new case.
-- Not at risk from onset_date up to (excluding) at_risk_again_date = onset + modified_days + stopped_days.
SELECT
    injury_id,
    athlete_id,
    onset_date,
    date_trunc('week', onset_date)::DATE AS onset_week,
    body_region,
    side,
    description,
    coalesce(modified_days, 0) AS modified_days,
    coalesce(stopped_days, 0) AS stopped_days,
    consulted_professional,
    lower_limb,
    running_related_injury,
    time_loss,
    any_complaint,
    onset_date
    + (coalesce(modified_days, 0) + coalesce(stopped_days, 0))::INTEGER AS at_risk_again_date
FROM injuries
