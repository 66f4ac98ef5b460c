-- mart_ostrc_questions: the OSTRC questionnaire's fixed wording, per version, question and option, with each option's score; the check-in form reads it.
-- "[area]" in a text stands for the body area's label. current = the version new check-ins use.
SELECT
    instrument_version,
    instrument_name,
    reference,
    question,
    question_text,
    code,
    option_text,
    score,
    current
FROM ostrc_instrument
ORDER BY instrument_version, question, code
