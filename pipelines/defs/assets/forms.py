"""App entries: members' weekly check-ins and injury reports, the coach's classifications and
assessment sessions."""

import dagster as dg

from pipelines.defs.assets.club import club_reference
from pipelines.defs.assets.inbox import raw_archive
from pipelines.defs.assets.models import WRITES
from pipelines.defs.resources import ClubFolder, Warehouse
from pipelines.ingest.forms import load_form_entries
from pipelines.parsers.forms.entries import FORM_TABLES


@dg.asset(
    group_name="forms",
    metadata={
        WRITES: [*(t for tables in FORM_TABLES.values() for t in tables), "files", "ingest_errors"]
    },
    deps=[raw_archive, club_reference],
    description="Every check-in, injury report, classification and assessment session entered in "
    "the app, validated.",
)
def form_entries(club: ClubFolder, warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connection() as con:
        counts = load_form_entries(con, club.settings)
    return dg.MaterializeResult(metadata=counts)
