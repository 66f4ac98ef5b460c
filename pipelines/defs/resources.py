"""One resource per store: the club folder (inbox, club files, raw archive), the warehouse, the serving file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.settings import Settings, load_settings
from pipelines.warehouse import connect


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
        with connect(Path(self.path)) as con:
            yield con


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
