"""The model and check step of a nightly run with no new files, on the demo club.

    .venv/bin/python -m benchmarks.model_step            # the demo club (40 athletes x 52 weeks)
    .venv/bin/python -m benchmarks.model_step --quick    # 12 athletes x 30 weeks

Builds the demo club once (as `make demo` does: `strongstride demo-data` defaults, then one ingest),
then times `--repeat` further runs with nothing new. From Dagster's own step records each run's
time is split into the ingestion steps, the publish step, and every other step: the models and
their checks (one step, `model_graph`, since issue 13; one step per model and per check before).
Each model's and check's own seconds come from the materialization and check metadata. The
step-splitting works on any commit, so the same command measures the code before the change.
The last line is JSON. To measure another commit, run this file from that checkout with its own
club folder: `cd ../old && python /path/to/benchmarks/model_step.py --home /tmp/old-club`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
from pathlib import Path

from benchmarks.clubs import (
    BENCH_ROOT,
    machine,
    own_seconds,
    split_steps,
    step_seconds,
    timed_ingest,
)

DEMO = {"athletes": 40, "weeks": 52, "seed": 7}
QUICK = {"athletes": 12, "weeks": 30, "seed": 11}


def demo_club(size: dict, home: Path | None = None) -> Path:
    """The demo club generated and ingested once, reused by later runs."""
    from pipelines.demo.generate import generate_demo_club
    from pipelines.run import run_ingest
    from pipelines.settings import load_settings

    home = home or BENCH_ROOT / f"model-step-{size['athletes']}x{size['weeks']}"
    ready = home / "READY"
    if not ready.exists():
        shutil.rmtree(home, ignore_errors=True)
        print(f"building the demo club in {home} ...", flush=True)
        generate_demo_club(home, **size)
        assert run_ingest(load_settings(home)).success
        ready.touch()
    return home


def timed_run(home: Path) -> dict:
    """One ingest with nothing new: wall time, its split by kind of step, models' own seconds."""
    settings, run_id, wall = timed_ingest(home)
    own = own_seconds(settings, run_id)
    return {
        "wall_s": wall,
        **split_steps(step_seconds(settings, run_id)),
        "models_own_s": sum(own["models"].values()),
        "checks_own_s": sum(own["checks"].values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the small demo club")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--home", type=Path, help="where the club is built (another commit's own)")
    args = parser.parse_args()
    home = demo_club(QUICK if args.quick else DEMO, args.home)
    runs = []
    for _ in range(args.repeat):
        runs.append(timed_run(home))
        print(json.dumps({k: round(v, 3) for k, v in runs[-1].items()}), flush=True)
    median = {k: round(statistics.median(r[k] for r in runs), 3) for k in runs[0]}
    print(json.dumps({"club": home.name, "runs": len(runs), **median, "machine": machine()}))


if __name__ == "__main__":
    main()
