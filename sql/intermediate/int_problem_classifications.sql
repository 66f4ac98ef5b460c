-- int_problem_classifications: the coach's latest classification of each problem; earlier ones stay in problem_classifications.
SELECT
    athlete_id,
    problem_id,
    classification_id,
    problem_type,
    diagnosis,
    time_loss_days,
    consulted_professional,
    recurrence,
    resolved_date,
    entered_at AS classified_at,
    entered_by AS classified_by
FROM problem_classifications
QUALIFY
    row_number() OVER (
        PARTITION BY athlete_id, problem_id ORDER BY entered_at DESC, classification_id DESC
    ) = 1
