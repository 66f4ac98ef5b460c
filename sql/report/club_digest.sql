-- club_digest: the Monday digest's club-wide figures, read from the published marts.
WITH runs AS (
    SELECT
        count(*) AS runs,
        coalesce(sum(moving_min), 0) / 60.0 AS running_hours
    FROM mart_athlete_runs
),

files AS (
    SELECT
        count(*) AS received,
        count(*) FILTER (WHERE status = 'ingested') AS ingested,
        count(*) FILTER (WHERE status = 'rejected') AS rejected
    FROM mart_data_health_files
),

incidence AS (
    SELECT
        cases,
        hours,
        rate_per_1000h,
        ci_low,
        ci_high,
        rate_ci_method
    FROM mart_injury_incidence
    WHERE case_definition = $case_definition AND comparison = 'club'
),

irr AS (
    SELECT
        irr,
        irr_ci_low,
        irr_ci_high
    FROM mart_injury_incidence
    WHERE
        case_definition = $case_definition
        AND comparison = 'adherence_band'
        AND group_label = 'high'
)

SELECT
    (SELECT count(*) FROM mart_athletes) AS athletes,
    runs.runs,
    runs.running_hours,
    files.received,
    files.ingested,
    files.rejected,
    incidence.cases,
    incidence.hours,
    incidence.rate_per_1000h,
    incidence.ci_low,
    incidence.ci_high,
    incidence.rate_ci_method,
    irr.irr,
    irr.irr_ci_low,
    irr.irr_ci_high,
    (SELECT median(a.cumulative_session_adherence) FROM mart_adherence_athlete AS a)
        AS median_session_adherence
FROM runs, files
LEFT JOIN incidence ON TRUE
LEFT JOIN irr ON TRUE
