-- stg_enrolments: program enrolments with the ISO week each starts and ends in, numbered per athlete.
-- Program week 1 is the ISO week containing start_date; end_week is null while the enrolment is ongoing.
SELECT
    athlete_id,
    program_id,
    start_date,
    end_date,
    date_trunc('week', start_date)::DATE AS start_week,
    date_trunc('week', end_date)::DATE AS end_week,
    row_number() OVER (PARTITION BY athlete_id ORDER BY start_date) AS enrolment_number
FROM enrolments
