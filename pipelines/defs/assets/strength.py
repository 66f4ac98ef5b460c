"""Strength logs: club CSV, Strong and Hevy exports as sets mapped to the exercise catalog."""

import dagster as dg

from pipelines.defs.assets.club import club_reference
from pipelines.defs.assets.inbox import raw_archive
from pipelines.defs.assets.models import WRITES
from pipelines.defs.resources import ClubFolder, Warehouse
from pipelines.ingest.strength import load_strength_files


@dg.asset(
    group_name="strength",
    metadata={WRITES: ["strength_sets", "files", "ingest_errors"]},
    deps=[raw_archive, club_reference],
    description="Every logged strength set, load in kg, mapped (or flagged unmapped) to the catalog.",
)
def strength_sets(club: ClubFolder, warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connection() as con:
        counts = load_strength_files(con, club.settings)
    return dg.MaterializeResult(metadata=counts)
