-- int_ostrc_answers: the OSTRC answers that count, per athlete, week and body area: the week's latest app check-in, else the club file's rows.
-- incremental: athlete_id
-- An app check-in (checkin_answers) replaces every other answer for its athlete and week: a correction
-- is a newer entry that supersedes the earlier one (all entries stay, see int_checkin_entries). Weeks
-- with no app check-in keep club/ostrc.csv's rows. source says which; entered_at is the app's time.
WITH latest_entries AS (
    SELECT
        athlete_id,
        week_start,
        entry_id,
        entered_at
    FROM checkin_answers
    QUALIFY
        row_number() OVER (
            PARTITION BY athlete_id, week_start ORDER BY entered_at DESC, entry_id DESC
        ) = 1
)

SELECT
    c.athlete_id,
    c.week_start,
    c.area,
    c.instrument_version,
    c.q1,
    c.q2,
    c.q3,
    c.q4,
    c.q1_score,
    c.q2_score,
    c.q3_score,
    c.q4_score,
    c.severity,
    c.problem,
    c.substantial_problem,
    'app' AS source,
    c.entry_id,
    c.entered_at
FROM checkin_answers AS c
INNER JOIN latest_entries AS l ON c.entry_id = l.entry_id AND c.athlete_id = l.athlete_id
UNION ALL
SELECT
    o.athlete_id,
    o.week_start,
    o.area,
    o.instrument_version,
    o.q1,
    o.q2,
    o.q3,
    o.q4,
    o.q1_score,
    o.q2_score,
    o.q3_score,
    o.q4_score,
    o.severity,
    o.problem,
    o.substantial_problem,
    'club file' AS source,
    NULL AS entry_id,
    NULL AS entered_at
FROM ostrc_responses AS o
ANTI JOIN latest_entries AS l ON o.athlete_id = l.athlete_id AND o.week_start = l.week_start
