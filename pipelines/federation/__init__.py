"""Many clubs: one Dagster partition per club, and the federation's marts as Parquet."""
