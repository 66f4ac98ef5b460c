"""Many clubs on one machine: one Dagster partition per club, refreshed in parallel processes.

Each club keeps its own home folder, warehouse and serving file and runs the very same per-club
definitions (pipelines.defs); a club is the shard, so clubs never wait on each other's DuckDB files.
The asset `federation/club` has one partition per club: materialize one partition to refresh one
club, or run `federation_ingest`, which fans out one step per club and runs them side by side with
Dagster's multiprocess executor, recording each club's partition as it finishes. On a cluster the
same job runs with Dagster's Kubernetes or Celery executor (docs/SCALING.md).
"""

from pathlib import Path

import dagster as dg

from pipelines.run import run_ingest
from pipelines.settings import federation_root, load_settings

CLUB_ASSET = dg.AssetKey(["federation", "club"])


def club_folders(root: Path) -> dict[str, Path]:
    """Every club under the federation root: a folder holding club/roster.csv."""
    return {p.name: p for p in sorted(root.iterdir()) if (p / "club" / "roster.csv").is_file()}


def _refresh(name: str, home: Path, log: dg.DagsterLogManager) -> dict[str, str]:
    """Run one club's whole pipeline; its metadata, or a Failure naming the club and the reason."""
    outcome = run_ingest(load_settings(home))
    if not outcome.success:
        raise dg.Failure(f"club {name}: {outcome.blocked_reason}", allow_retries=False)
    log.info(f"club {name} published (run {outcome.run_id[:8]})")
    return {"home": str(home), "club_run_id": outcome.run_id}


def _club_asset(clubs: dict[str, Path], partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        key=CLUB_ASSET,
        partitions_def=partitions,
        group_name="federation",
        description="One club's whole pipeline (archive, parse, model, publish) in its own folder.",
        kinds={"dagster", "duckdb"},
    )
    def club(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        name = context.partition_key
        return dg.MaterializeResult(metadata=_refresh(name, clubs[name], context.log))

    return club


def _fan_out_job(clubs: dict[str, Path], max_parallel_clubs: int) -> dg.JobDefinition:
    @dg.op(out=dg.DynamicOut(str), description="One output per club of the federation.")
    def each_club():
        for name in clubs:
            yield dg.DynamicOutput(name, mapping_key=name)

    @dg.op(description="Refresh one club and record its partition of federation/club.")
    def refresh_club(context: dg.OpExecutionContext, name: str):
        metadata = _refresh(name, clubs[name], context.log)
        yield dg.AssetMaterialization(asset_key=CLUB_ASSET, partition=name, metadata=metadata)
        yield dg.Output(name)

    @dg.job(
        name="federation_ingest",
        description="Refresh every club, several at a time, one process per club.",
        executor_def=dg.multiprocess_executor.configured({"max_concurrent": max_parallel_clubs}),
    )
    def federation_ingest():
        each_club().map(refresh_club)

    return federation_ingest


def build_federation_definitions(root: Path, max_parallel_clubs: int = 2) -> dg.Definitions:
    """The club-partitioned asset and the job refreshing every partition in parallel."""
    clubs = club_folders(root)
    partitions = dg.StaticPartitionsDefinition(list(clubs))
    return dg.Definitions(
        assets=[_club_asset(clubs, partitions)],
        jobs=[_fan_out_job(clubs, max_parallel_clubs)],
    )


def federation_job() -> dg.JobDefinition:
    """The federation job for $STRONGSTRIDE_FEDERATION; module-level so worker processes rebuild it."""
    return build_federation_definitions(federation_root()).resolve_job_def("federation_ingest")


def run_federation(root: Path) -> dg.JobExecutionResult:
    """Refresh every club under `root` with the multiprocess executor (the root must be the one
    $STRONGSTRIDE_FEDERATION names, since worker processes rebuild the job from it)."""
    (root / ".dagster").mkdir(parents=True, exist_ok=True)
    with dg.DagsterInstance.from_config(str(root / ".dagster")) as instance:
        return dg.execute_job(dg.reconstructable(federation_job), instance=instance)
