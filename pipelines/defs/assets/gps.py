"""GPS activities: parse archived GPX/TCX/FIT files and Strava or Garmin exports into activities and
samples."""

import dagster as dg

from pipelines.defs.assets.club import club_reference
from pipelines.defs.assets.inbox import raw_archive
from pipelines.defs.assets.models import WRITES
from pipelines.defs.resources import ClubFolder, Warehouse
from pipelines.ingest.activities import (
    build_jobs,
    limit_load_memory,
    load_batch,
    mark_duplicates,
    run_parsing,
)
from pipelines.ingest.registry import files_to_parse, record_outcomes


@dg.asset(
    group_name="gps",
    metadata={
        WRITES: [
            "activities",
            "activity_samples",
            "activity_dynamics",
            "activity_developer_fields",
            "files",
            "ingest_errors",
        ]
    },
    deps=[raw_archive, club_reference],
    description="One row per recorded activity (cleaned, with per-run metrics), its samples, and "
    "the running form and developer fields its watch recorded.",
)
def activities(
    context: dg.AssetExecutionContext, club: ClubFolder, warehouse: Warehouse
) -> dg.MaterializeResult:
    settings = club.settings
    with warehouse.connection() as con:
        limit_load_memory(con)
        pending = files_to_parse(con, ["activity", "strava_export"])
        jobs, rejected = build_jobs(con, settings, pending)
        record_outcomes(con, rejected)

        def progress(done: int, total: int) -> None:
            context.log.info(f"parsed {done}/{total} activity files")

        run_parsing(jobs, settings, lambda batch: load_batch(con, batch), progress)
        duplicates = mark_duplicates(con, sorted({job.athlete_id for job in jobs}))
    return dg.MaterializeResult(
        metadata={
            "files_parsed": len(jobs),
            "files_rejected_unknown_athlete": len(rejected),
            "duplicates_marked": duplicates,
        }
    )
