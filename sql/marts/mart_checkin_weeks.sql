-- mart_checkin_weeks: one row per athlete and week with an OSTRC answer that counts: where it came from, when, whether late.
-- incremental: athlete_id
-- source 'app' = a check-in given in the app (entered_at, late and how many entries the week had,
-- corrections included); 'club file' = club/ostrc.csv. The dashboard counts who answered the week
-- whose check-in is due and each member's response rate from these rows.
WITH weeks AS (
    SELECT
        athlete_id,
        week_start,
        any_value(source) AS source,
        any_value(entry_id) AS entry_id,
        bool_or(problem) AS problem
    FROM int_ostrc_answers
    GROUP BY athlete_id, week_start
)

SELECT
    w.athlete_id,
    w.week_start,
    w.source,
    w.problem,
    e.entered_at,
    coalesce(e.late, FALSE) AS late,
    (
        SELECT count(*) FROM int_checkin_entries AS x
        WHERE x.athlete_id = w.athlete_id AND x.week_start = w.week_start
    ) AS app_entries
FROM weeks AS w
LEFT JOIN int_checkin_entries AS e ON w.entry_id = e.entry_id
ORDER BY w.athlete_id, w.week_start
