"""Many clubs on one machine: one asset per club, run in parallel by Dagster's multiprocess executor.

Each club keeps its own home folder, warehouse and serving file and runs the very same per-club
definitions (pipelines.defs) inside its step; a club is the shard, so clubs never wait on each
other's DuckDB files. On a cluster the same job runs with Dagster's Kubernetes or Celery executor
(docs/SCALING.md).
"""

from pathlib import Path

import dagster as dg

from pipelines.run import run_ingest
from pipelines.settings import federation_root, load_settings


def club_folders(root: Path) -> dict[str, Path]:
    """Every club under the federation root: a folder holding club/roster.csv."""
    return {p.name: p for p in sorted(root.iterdir()) if (p / "club" / "roster.csv").is_file()}


def _club_asset(name: str, home: Path) -> dg.AssetsDefinition:
    @dg.asset(
        key=["clubs", name],
        group_name="federation",
        description=f"Club {name}: its whole pipeline (archive, parse, model, publish) in {home}.",
        kinds={"dagster", "duckdb"},
    )
    def club_pipeline(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        outcome = run_ingest(load_settings(home))
        if not outcome.success:
            raise dg.Failure(f"club {name}: {outcome.blocked_reason}", allow_retries=False)
        context.log.info(f"club {name} published (run {outcome.run_id[:8]})")
        return dg.MaterializeResult(metadata={"home": str(home), "club_run_id": outcome.run_id})

    return club_pipeline


def build_federation_definitions(root: Path, max_parallel_clubs: int = 2) -> dg.Definitions:
    """One asset per club and a job running them in parallel processes."""
    assets = [_club_asset(name, home) for name, home in club_folders(root).items()]
    job = dg.define_asset_job(
        "federation_ingest",
        selection=dg.AssetSelection.groups("federation"),
        description="Refresh every club, several at a time.",
        executor_def=dg.multiprocess_executor.configured({"max_concurrent": max_parallel_clubs}),
    )
    return dg.Definitions(assets=assets, jobs=[job])


def federation_job() -> dg.JobDefinition:
    """The federation job for $STRONGSTRIDE_FEDERATION; module-level so worker processes rebuild it."""
    return build_federation_definitions(federation_root()).resolve_job_def("federation_ingest")


def run_federation(root: Path) -> dg.JobExecutionResult:
    """Refresh every club under `root` with the multiprocess executor (the root must be the one
    $STRONGSTRIDE_FEDERATION names, since worker processes rebuild the job from it)."""
    (root / ".dagster").mkdir(parents=True, exist_ok=True)
    with dg.DagsterInstance.from_config(str(root / ".dagster")) as instance:
        return dg.execute_job(dg.reconstructable(federation_job), instance=instance)
