-- files_keys: Every received file is recorded once by its sha256, with its name, kind, status and arrival time.
WITH keyed AS (
    SELECT
        *,
        count(*) OVER (PARTITION BY sha256) AS rows_with_key
    FROM files
)

SELECT
    sha256,
    CASE WHEN rows_with_key > 1 THEN 'duplicate key' ELSE 'missing required value' END AS problem
FROM keyed
WHERE rows_with_key > 1 OR sha256 IS NULL OR original_name IS NULL OR kind IS NULL OR status IS NULL OR received_at IS NULL
