-- mart_checkin_entries: every check-in entered in the app, corrections included, with the entry that superseded it and whether it was late.
-- incremental: athlete_id
SELECT
    athlete_id,
    week_start,
    entry_id,
    entered_at,
    entered_by,
    entered_role,
    supersedes,
    superseded_by,
    instrument_version,
    areas_answered,
    areas_with_problem,
    severity,
    late
FROM int_checkin_entries
ORDER BY athlete_id, week_start, entered_at
