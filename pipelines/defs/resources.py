"""One resource per store: the club folder (inbox, club files, raw archive), the warehouse, the serving file."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.settings import Settings, load_settings

BACKOFF_S = (1, 2, 4, 8)
# DuckDB's own default is 80% of the machine's memory: a step reading a large club's history kept
# what it read cached up to that (with the run process's heap, a first import of 2,000 athletes
# peaked at 1.7 GB); beyond the limit DuckDB evicts or spills to disk. A full model build of that
# club peaked at 1,350 MB with 1 GB, 1,082 MB with 512 MB, both in 14.5 s (benchmarks/RESULTS.md).
# The loader of parsed activities sets a lower one of its own (ingest/activities.py).
MEMORY_LIMIT = "512MB"


class ClubFolder(dg.ConfigurableResource):
    """The club's data folder ($STRONGSTRIDE_HOME): inbox, club files and the raw archive."""

    home: str

    @property
    def settings(self) -> Settings:
        return load_settings(self.home)


class Warehouse(dg.ConfigurableResource):
    """The warehouse DuckDB file, written only by the pipeline."""

    path: str

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection, its memory capped at MEMORY_LIMIT. The file being held by
        another process is a transient failure: wait and try again with exponential backoff, then
        ask Dagster for a retry."""
        path = Path(self.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        con = None
        for wait_s in (*BACKOFF_S, None):
            try:
                con = duckdb.connect(str(path))
                break
            except duckdb.IOException as err:
                if wait_s is None:
                    raise dg.RetryRequested(max_retries=3, seconds_to_wait=60) from err
                time.sleep(wait_s)
        con.sql("set memory_limit = ?", params=[MEMORY_LIMIT])
        try:
            yield con
        finally:
            con.close()


class ServingFile(dg.ConfigurableResource):
    """The published, read-only copy of the marts that the dashboard reads."""

    path: str


def club_resources(settings: Settings) -> dict[str, dg.ConfigurableResource]:
    """The three resources for one club."""
    return {
        "club": ClubFolder(home=str(settings.home)),
        "warehouse": Warehouse(path=str(settings.warehouse)),
        "serving": ServingFile(path=str(settings.serving)),
    }
