-- mart_form_asymmetry: per member, each run of consecutive ISO weeks whose weekly median ground contact balance stays more than form_asymmetry_points from 50% on the same side, when it lasts form_asymmetry_weeks or more.
-- Weekly medians from mart_form_weekly (easy runs only); a week without a balance value (no run,
-- no easy run, or a wrist-only watch: balance needs a chest or foot accessory) ends the run.
-- side = left (more than 50% of ground contact time on the left foot) or right. ongoing when the
-- run reaches the member's latest week with a balance value. The coach's cue is "persistent
-- asymmetry: consider an assessment"; ground contact balance has no known prospective link to injury.
WITH thresholds AS (
    SELECT
        form_asymmetry_points AS asymmetry_points,
        form_asymmetry_weeks AS asymmetry_weeks
    FROM settings
),

balance_weeks AS (
    SELECT
        f.athlete_id,
        f.week_start,
        f.weekly_median AS balance_left_pct,
        t.asymmetry_points,
        t.asymmetry_weeks,
        CASE WHEN f.weekly_median > 50 THEN 'left' ELSE 'right' END AS side,
        abs(f.weekly_median - 50) > t.asymmetry_points AS off_centre,
        max(f.week_start) OVER (PARTITION BY f.athlete_id) AS latest_balance_week
    FROM mart_form_weekly AS f
    CROSS JOIN thresholds AS t
    WHERE f.metric = 'gct_balance_left_pct' AND f.weekly_median IS NOT NULL
),

islands AS (
    SELECT
        *,
        -- consecutive ISO weeks on one side share this date (gaps and islands)
        week_start - 7 * row_number() OVER (
            PARTITION BY athlete_id, side ORDER BY week_start
        )::INTEGER AS island
    FROM balance_weeks
    WHERE off_centre
),

runs AS (
    SELECT
        athlete_id,
        side,
        island,
        asymmetry_points,
        asymmetry_weeks,
        latest_balance_week,
        min(week_start) AS first_week,
        max(week_start) AS last_week,
        count(*) AS weeks,
        median(balance_left_pct) AS median_balance_left_pct,
        max(abs(balance_left_pct - 50)) AS largest_offset_points
    FROM islands
    GROUP BY ALL
)

SELECT
    r.athlete_id,
    a.display_name,
    r.side,
    r.first_week,
    r.last_week,
    r.weeks,
    r.median_balance_left_pct,
    r.largest_offset_points,
    r.last_week = r.latest_balance_week AS ongoing,
    r.asymmetry_points,
    r.asymmetry_weeks,
    'persistent asymmetry: consider an assessment' AS cue
FROM runs AS r
INNER JOIN athletes AS a ON r.athlete_id = a.athlete_id
WHERE r.weeks >= r.asymmetry_weeks
ORDER BY ongoing DESC, r.last_week DESC, a.display_name ASC
