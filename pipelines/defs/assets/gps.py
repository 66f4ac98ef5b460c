"""GPS activities: parse archived GPX/TCX/FIT files and Strava or Garmin exports into activities and
samples."""

import dagster as dg

from pipelines.defs.assets.club import club_reference
from pipelines.defs.assets.inbox import raw_archive
from pipelines.defs.assets.models import WRITES
from pipelines.defs.logging import progress_log
from pipelines.defs.resources import ClubFolder, Warehouse
from pipelines.ingest.activities import (
    Backlog,
    BatchLoader,
    limit_load_memory,
    mark_duplicates,
    run_parsing,
)
from pipelines.ingest.registry import record_outcomes


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
        backlog = Backlog(con, settings, ["activity", "strava_export"])
        rejected = backlog.rejected()
        record_outcomes(con, rejected)

        with BatchLoader(con, backlog) as load:
            run_parsing(backlog, settings, load, progress_log(context, "activities"))
        duplicates = mark_duplicates(con, backlog.athletes())
    return dg.MaterializeResult(
        metadata={
            "files_parsed": backlog.files,
            "files_rejected_unknown_athlete": len(rejected),
            "duplicates_marked": duplicates,
        }
    )
