"""Which asset writes each warehouse table, so SQL models and checks can name tables, not assets."""

from __future__ import annotations

import dagster as dg

CLUB_TABLES = (
    "athletes",
    "programs",
    "program_phases",
    "program_phase_sets",
    "enrolments",
    "injuries",
    "ostrc_responses",
    "exercise_catalog",
    "settings",
)
INGEST_ASSETS = ("raw_archive", "club_reference", "activities", "strength_sets")

TABLE_PRODUCERS: dict[str, tuple[str, ...]] = {
    "activities": ("activities",),
    "activity_samples": ("activities",),
    "strength_sets": ("strength_sets",),
    "files": INGEST_ASSETS,
    "ingest_errors": INGEST_ASSETS,
    "check_results": INGEST_ASSETS,
    **{table: ("club_reference",) for table in CLUB_TABLES},
}


def producer_keys(table: str, models: dict[str, dg.AssetKey]) -> list[dg.AssetKey]:
    """The asset keys that write `table`; an unknown name is a definition error, caught at load."""
    if table in models:
        return [models[table]]
    if table in TABLE_PRODUCERS:
        return [dg.AssetKey(name) for name in TABLE_PRODUCERS[table]]
    raise ValueError(f"unknown table {table!r} in a depends_on or check header")
