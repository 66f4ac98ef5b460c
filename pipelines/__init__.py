"""StrongStride's pipelines: one club's files in, the dashboard's serving file out, stage by stage.

1. ingest/ (inbox, registry): every received file copied unchanged into raw/<sha256> and listed in `files`.
2. parsers/ (activity/, strength/, club/): bytes in, typed polars frames out; pure, no Dagster or DuckDB.
3. activity/: one parsed activity -> cleaned samples, per-run figures, local calendar, its row.
4. ingest/ (activities, strength, club, tables): frames -> the staging tables declared in tables.py.
5. transform/: the model graph (SQL under sql/, Python statistics models) with its checks, in one step.
6. publish/: the marts copied into serving.duckdb, swapped in atomically for the dashboard.

Around them: defs/ (Dagster wiring only), federation/ (many clubs), cli/ (the `strongstride`
command), demo/ (the demo-club generator); at this root only settings.py, warehouse.py (DuckDB
helpers), run.py (one run through Dagster) and definitions.py (the code location).
"""
