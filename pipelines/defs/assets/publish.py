"""Publication: the changed marts replaced in a copy of the serving file that atomically replaces it."""

from pathlib import Path

import dagster as dg

from pipelines.defs.resources import ServingFile, Warehouse
from pipelines.publish.serving import publish_serving


def build_publish_asset(mart_keys: list[dg.AssetKey]) -> dg.AssetsDefinition:
    """The serving-file asset, downstream of every mart."""

    @dg.asset(
        key="serving_file",
        group_name="publish",
        deps=mart_keys,
        description="serving.duckdb: every mart, swapped in atomically for the dashboard to read.",
    )
    def serving_file(
        context: dg.AssetExecutionContext, warehouse: Warehouse, serving: ServingFile
    ) -> dg.MaterializeResult:
        publication, reason = publish_serving(
            Path(warehouse.path), Path(serving.path), context.run.run_id
        )
        if reason:
            context.log.warning(f"publication blocked, previous data kept: {reason}")
        context.log.info(
            f"published generation {publication.generation}: "
            f"{len(publication.replaced)} marts replaced, the others unchanged"
        )
        return dg.MaterializeResult(
            metadata={
                "generation": publication.generation,
                "marts_replaced": len(publication.replaced),
                "marts_compared_in_full": len(publication.compared_in_full),
                "blocked": reason or "",
            }
        )

    return serving_file
