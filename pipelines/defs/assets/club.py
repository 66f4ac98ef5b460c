"""The club's reference files: roster, exercise catalog, programs, enrolments, injuries, OSTRC."""

import dagster as dg

from pipelines.defs.assets.inbox import raw_archive
from pipelines.defs.resources import ClubFolder, Warehouse
from pipelines.ingest.club import load_club_reference


@dg.asset(
    group_name="club",
    deps=[raw_archive],
    description="The roster, catalog, programs, enrolments, injuries and OSTRC answers as tables.",
)
def club_reference(club: ClubFolder, warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connection() as con:
        rows = load_club_reference(con, club.settings)
    if rows is None:
        return dg.MaterializeResult(metadata={"unchanged": True})
    return dg.MaterializeResult(
        metadata={"unchanged": False} | {f"{n}_rows": k for n, k in rows.items()}
    )
