"""The raw archive: every received file copied unchanged, by content hash, before anything parses it."""

import dagster as dg

from pipelines.defs.assets.models import WRITES
from pipelines.defs.logging import progress_log
from pipelines.defs.resources import ClubFolder, Warehouse
from pipelines.ingest.club import install_defaults
from pipelines.ingest.inbox import scan_and_archive


class InboxSweep(dg.Config):
    """full_sweep: list every inbox folder, not only those whose time changed (this happens by
    itself once a week); it catches files rewritten in place under the same name."""

    full_sweep: bool = False


@dg.asset(
    group_name="inbox",
    metadata={WRITES: ["files"]},
    description="Every file in inbox/ and club/ copied unchanged into raw/<sha256> and listed in `files`.",
)
def raw_archive(
    context: dg.AssetExecutionContext, config: InboxSweep, club: ClubFolder, warehouse: Warehouse
) -> dg.MaterializeResult:
    copied = install_defaults(club.settings)
    if copied:
        context.log.info(f"first run: copied the default {', '.join(copied)} into club/")
    # a file is recorded as seen only together with its `files` row (a transaction per chunk)
    with warehouse.connection() as con:
        received, sweep = scan_and_archive(
            con,
            club.settings,
            full=config.full_sweep or None,
            progress=progress_log(context, "raw_archive"),
        )
    kind = "full sweep" if sweep.full else "sweep of changed folders"
    context.log.info(
        f"{kind}: listed {sweep.folders_listed} of {sweep.folders} inbox folders "
        f"({sweep.files_listed} files); {received.height} new or changed files, "
        f"{sweep.new_contents} new contents archived"
    )
    return dg.MaterializeResult(
        metadata={
            "full_sweep": sweep.full,
            "folders_listed": sweep.folders_listed,
            "files_listed": sweep.files_listed,
            "files_new_or_changed": received.height,
            "new_contents": sweep.new_contents,
        }
    )
