-- mart_data_health_files: every file received, its status and why it was rejected, for the Data health page.
-- incremental: athlete_id
-- format is the file's extension under any .gz; activities is the registry's item count for activity
-- files and Strava or Garmin exports (strength and club files count rows, shown as items).
SELECT
    sha256,
    athlete_id,
    original_name,
    kind,
    nullif(regexp_extract(lower(original_name), '\.([a-z0-9]+)(\.gz)?$', 1), '') AS format,
    size_bytes,
    received_at,
    status,
    CASE WHEN kind IN ('activity', 'strava_export') THEN items END AS activities,
    items,
    error,
    hint
FROM files
