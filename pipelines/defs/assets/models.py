"""The model graph as one Dagster step: every model its own asset, every check its own asset check.

One step, not one per model: opening the warehouse and checkpointing it on close is most of a
small model's time (57 steps took about 4.8 s on the demo club for 0.6 s of work). The step builds
what is selected through `ModelGraph.iter_run`, the function the model tests call, and reports
each model's materialization (rows, seconds) and each check's result as it happens, the graph
building on meanwhile (`_ahead`).
"""

import queue
import threading
from collections.abc import Generator, Iterator, Mapping
from typing import TypeVar

import dagster as dg

from pipelines.defs.resources import Warehouse
from pipelines.transform.runner import (
    BuildPlanned,
    CheckDone,
    Model,
    ModelBuilt,
    ModelGraph,
    ModelSkipped,
    SqlModel,
)

T = TypeVar("T")
BUILD_TAG = "strongstride/model_build"  # run tag: how the run built the models, full or incremental
WRITES = "writes"  # metadata key on an ingest asset: the warehouse tables it loads


class ModelBuild(dg.Config):
    """`full_rebuild`: rebuild every model whole, even when only some athletes' data changed."""

    full_rebuild: bool = False


def written_tables(assets: list[dg.AssetsDefinition]) -> dict[str, list[dg.AssetKey]]:
    """Which ingest assets write each table, read from their own `writes` declarations."""
    producers: dict[str, list[dg.AssetKey]] = {}
    for asset in assets:
        for spec in asset.specs:
            for table in spec.metadata.get(WRITES, []):
                producers.setdefault(table, []).append(spec.key)
    return producers


def model_key(model: Model) -> dg.AssetKey:
    return dg.AssetKey([model.layer, model.name])


def table_keys(
    graph: ModelGraph, ingest: Mapping[str, list[dg.AssetKey]]
) -> dict[str, list[dg.AssetKey]]:
    """The asset keys behind every table a model or check reads; an unknown table fails at load."""
    keys = {name: [model_key(m)] for name, m in graph.models.items()}
    keys |= {t: ingest[t] for t in ingest if t not in keys}
    unknown = (graph.sources | {c.table for c in graph.checks}) - set(keys)
    if unknown:
        raise ValueError(
            f"tables {sorted(unknown)} are read by a model or check but no ingest asset declares "
            f"them in its '{WRITES}' metadata"
        )
    return keys


def _spec(model: Model, keys: Mapping[str, list[dg.AssetKey]]) -> dg.AssetSpec:
    is_sql = isinstance(model, SqlModel)
    return dg.AssetSpec(
        key=model_key(model),
        group_name=model.layer,
        deps=sorted({k for table in model.depends_on for k in keys[table]}, key=str),
        description=model.description,
        metadata={"sql": dg.MetadataValue.md(f"```sql\n{model.sql}\n```")} if is_sql else {},
        kinds={"duckdb", "sql" if is_sql else "python"},
        skippable=True,
    )


def build_model_graph_asset(
    graph: ModelGraph, ingest: Mapping[str, list[dg.AssetKey]]
) -> dg.AssetsDefinition:
    """The multi-asset that builds `graph`, with a check spec per check (ERROR ones blocking)."""
    keys = table_keys(graph, ingest)
    check_specs = [
        dg.AssetCheckSpec(
            name=check.name,
            asset=keys[check.table][0],
            description=check.description,
            # Not Dagster-blocking: a blocking check on an ingest asset that other ingest assets
            # read makes Dagster split this step in three to order them. The graph itself skips
            # what reads a table whose ERROR check failed, and the step then fails.
            blocking=False,
        )
        for check in graph.checks
    ]

    @dg.multi_asset(
        name="model_graph",
        specs=[_spec(graph.models[name], keys) for name in graph.order],
        check_specs=check_specs,
        can_subset=True,
        allow_arbitrary_check_specs=True,
    )
    def model_graph(
        context: dg.AssetExecutionContext, config: ModelBuild, warehouse: Warehouse
    ) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
        models = {key.path[-1] for key in context.selected_asset_keys}
        checks = {key.name for key in context.selected_asset_check_keys}
        failed = []
        with warehouse.connection() as con:
            events = graph.iter_run(
                con,
                run_id=context.run.run_id,
                models=models,
                checks=checks,
                track_changes=True,
                full_rebuild=config.full_rebuild,
            )
            for event in _ahead(events):
                if isinstance(event, CheckDone) and event.blocks:
                    failed.append(f"{event.check.table}: {event.check.name}")
                yield from _report(context, event, keys)
        if failed:
            raise dg.Failure(
                f"{len(failed)} blocking check(s) failed with ERROR severity: {'; '.join(failed)}. "
                "What reads those tables was not rebuilt and nothing is published; see Data health."
            )

    return model_graph


def _ahead(items: Generator[T, None, None]) -> Iterator[T]:
    """The items of `items`, produced in a thread of their own while the caller handles the ones
    before: the graph goes on building models while Dagster records the events of those built
    (about 200 a night, some 10 ms each, into any club), instead of waiting for it. Both sides are
    Python under one lock, so only the engine's time overlaps: 0.2 s of a night's model step
    (benchmarks/RESULTS.md, session 22).

    An exception the producer raises is raised here, after the items before it. When the caller
    stops early (a failure, a terminated run), the producer stops at its next item, closing
    `items` (the graph lets the running models finish and records what it did), and is waited for.
    """
    handed: queue.SimpleQueue[tuple[bool, T | BaseException | None]] = queue.SimpleQueue()
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                handed.put((True, item))
                if stop.is_set():
                    break
        except BaseException as exc:  # raised again in the caller's thread
            handed.put((False, exc))
            return
        finally:
            items.close()
        handed.put((False, None))

    producer = threading.Thread(target=produce, name="model-graph", daemon=True)
    producer.start()
    try:
        while True:
            more, item = handed.get()
            if not more:
                if item is not None:
                    raise item
                return
            yield item
    finally:
        stop.set()
        producer.join()


def _report(
    context: dg.AssetExecutionContext,
    event: BuildPlanned | ModelBuilt | ModelSkipped | CheckDone,
    keys: Mapping[str, list[dg.AssetKey]],
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    if isinstance(event, BuildPlanned):
        context.log.info(f"models: {event.plan.describe()}")
        build = "full" if event.plan.full else "incremental"
        context.instance.add_run_tags(context.run.run_id, {BUILD_TAG: build})
    elif isinstance(event, ModelBuilt):
        yield dg.MaterializeResult(
            asset_key=model_key(event.model),
            metadata={
                "rows": event.rows,
                "seconds": round(event.seconds, 4),
                "build": event.how,
            }
            | ({"athletes_rebuilt": event.athletes} if event.athletes is not None else {}),
        )
    elif isinstance(event, ModelSkipped):
        context.log.warning(
            f"{event.model.name} not rebuilt: blocking check(s) {', '.join(event.failed_checks)} "
            "failed upstream; the last good table stays"
        )
    else:
        check = event.check
        yield dg.AssetCheckResult(
            asset_key=keys[check.table][0],
            check_name=check.name,
            passed=event.passed,
            severity=dg.AssetCheckSeverity.ERROR
            if check.severity == "ERROR"
            else dg.AssetCheckSeverity.WARN,
            metadata={
                "offending_rows": event.offending_rows,
                "table": check.table,
                "seconds": round(event.seconds, 4),
            }
            | (
                {"run": "kept: its table is unchanged since the last complete build, which passed"}
                if event.kept
                else {}
            ),
        )
