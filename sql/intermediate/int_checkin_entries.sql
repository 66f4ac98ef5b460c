-- int_checkin_entries: every app check-in entry, one row each, with the entry that superseded it and whether it came after the deadline.
-- incremental: athlete_id
-- A week's check-in is on time until the end of week_start + 6 + checkin_grace_days (the Sunday
-- ending the recall week plus the grace days), in the athlete's time zone; a later answer is kept and
-- flagged late. superseded_by: the next entry for the same athlete and week (null = the one that counts).
WITH entries AS (
    SELECT
        athlete_id,
        week_start,
        entry_id,
        any_value(entered_at) AS entered_at,
        any_value(entered_by) AS entered_by,
        any_value(entered_role) AS entered_role,
        any_value(supersedes) AS supersedes,
        any_value(instrument_version) AS instrument_version,
        count(*) AS areas_answered,
        count_if(problem)::BIGINT AS areas_with_problem,
        max(severity) AS severity
    FROM checkin_answers
    GROUP BY athlete_id, week_start, entry_id
)

SELECT
    e.athlete_id,
    e.week_start,
    e.entry_id,
    e.entered_at,
    e.entered_by,
    e.entered_role,
    e.supersedes,
    e.instrument_version,
    e.areas_answered,
    e.areas_with_problem,
    e.severity,
    lead(e.entry_id) OVER (
        PARTITION BY e.athlete_id, e.week_start ORDER BY e.entered_at, e.entry_id
    ) AS superseded_by,
    timezone(a.time_zone, e.entered_at)::DATE
    > e.week_start + (6 + s.checkin_grace_days)::INTEGER AS late
FROM entries AS e
INNER JOIN athletes AS a ON e.athlete_id = a.athlete_id
CROSS JOIN settings AS s
