-- mart_data_health_errors: every rejected file or row with the reason and what to do about it.
SELECT
    sha256,
    file_name,
    athlete_id,
    row_number,
    column_name,
    reason,
    hint,
    recorded_at
FROM ingest_errors
ORDER BY recorded_at DESC, file_name ASC, row_number ASC
