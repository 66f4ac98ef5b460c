-- enrolments_dates: No enrolment ends before it starts.
SELECT
    athlete_id,
    start_date,
    program_id,
    end_date
FROM enrolments
WHERE end_date < start_date
