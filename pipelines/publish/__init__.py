"""Stage 6, publishing: the marts -> data/serving.duckdb, swapped in atomically for the dashboard."""
