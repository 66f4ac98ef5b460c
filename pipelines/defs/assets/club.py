"""The club's reference files: roster, exercise catalog, programs, enrolments, injuries, OSTRC,
assessment tests."""

import dagster as dg

from pipelines.defs.assets.inbox import raw_archive
from pipelines.defs.assets.models import WRITES
from pipelines.defs.resources import ClubFolder, Warehouse
from pipelines.ingest.club import load_club_reference

CLUB_TABLES = (
    "athletes",
    "exercise_catalog",
    "programs",
    "program_phases",
    "program_phase_sets",
    "enrolments",
    "injuries",
    "ostrc_areas",
    "ostrc_instrument",
    "ostrc_responses",
    "assessment_measures",
    "assessment_csv_sessions",
    "assessment_csv_results",
    "settings",
)


@dg.asset(
    group_name="club",
    metadata={WRITES: [*CLUB_TABLES, "files", "ingest_errors"]},
    deps=[raw_archive],
    description="The roster, catalog, programs, enrolments, injuries, OSTRC answers and assessment "
    "tests as tables.",
)
def club_reference(club: ClubFolder, warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connection() as con:
        rows = load_club_reference(con, club.settings)
    if rows is None:
        return dg.MaterializeResult(metadata={"unchanged": True})
    return dg.MaterializeResult(
        metadata={"unchanged": False} | {f"{n}_rows": k for n, k in rows.items()}
    )
