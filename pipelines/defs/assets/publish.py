"""Publication: the marts copied into a fresh serving file that atomically replaces the last one."""

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
        generation, reason = publish_serving(
            Path(warehouse.path), Path(serving.path), context.run.run_id
        )
        if reason:
            context.log.warning(f"publication blocked, previous data kept: {reason}")
        return dg.MaterializeResult(metadata={"generation": generation, "blocked": reason or ""})

    return serving_file
