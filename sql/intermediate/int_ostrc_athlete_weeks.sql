-- int_ostrc_athlete_weeks: one row per athlete x week answered, rolled up from the per-area answers.
-- incremental: athlete_id
-- problem / substantial_problem: any area has one; severity: the highest area severity. q1-q4 and their
-- scores are those of the worst area (highest severity, then substantial first, then by area code),
-- named in worst_area. An answer without an area is area 'all' (the whole body), so a week answered the
-- old way keeps its figures. instrument_version: the versions the week's areas were scored by.
WITH rolled AS (
    SELECT
        athlete_id,
        week_start,
        string_agg(DISTINCT instrument_version, ', ' ORDER BY instrument_version)
            AS instrument_version,
        count(*) AS areas_answered,
        count_if(problem)::BIGINT AS areas_with_problem,
        count_if(substantial_problem)::BIGINT AS areas_with_substantial_problem,
        bool_or(problem) AS problem,
        bool_or(substantial_problem) AS substantial_problem
    FROM int_ostrc_answers
    GROUP BY athlete_id, week_start
),

worst AS (
    SELECT
        athlete_id,
        week_start,
        area AS worst_area,
        q1,
        q2,
        q3,
        q4,
        q1_score,
        q2_score,
        q3_score,
        q4_score,
        severity
    FROM int_ostrc_answers
    QUALIFY
        row_number() OVER (
            PARTITION BY athlete_id, week_start
            ORDER BY severity DESC, substantial_problem DESC, area ASC
        ) = 1
)

SELECT
    r.athlete_id,
    r.week_start,
    r.instrument_version,
    w.q1,
    w.q2,
    w.q3,
    w.q4,
    w.q1_score,
    w.q2_score,
    w.q3_score,
    w.q4_score,
    w.severity,
    r.problem,
    r.substantial_problem,
    w.worst_area,
    r.areas_answered,
    r.areas_with_problem,
    r.areas_with_substantial_problem
FROM rolled AS r
INNER JOIN worst AS w ON r.athlete_id = w.athlete_id AND r.week_start = w.week_start
