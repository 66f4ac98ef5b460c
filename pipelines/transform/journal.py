"""Which rows of each mart every build of the model graph rewrote, for publish to copy only those.

Each run of the graph is a build: it takes the next number and a random uuid (telling it from a
build of another warehouse) and records that it started before it builds anything. For every mart of
the graph it then records the region it rewrote: nothing (not selected, blocked, or none of what it
reads changed), the rows of some athletes and, for a dated mart, every row from a week on
(`incremental.affected_sql`), or the whole mart. The rows are written when the build ends, also when
a model fails half way; a build killed before that has its start row and no mart rows. Publish then
treats a mart as known only when every build since the serving file's own has a row for it
(`changes_since`); any other mart is compared in full, as before there was a journal. The last KEEP
builds are kept; a journal of an earlier layout is started afresh.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from uuid import uuid4

import duckdb
import polars as pl

from pipelines.warehouse import append_rows, table_exists

JOURNAL = "model_mart_changes"
KEEP = 60  # builds kept: a serving file more builds behind is compared in full
SCHEMA = {
    "build": pl.Int64,
    "uuid": pl.String,
    "mart": pl.String,  # null: the build's start row
    "athletes": pl.List(pl.String),
    "with_none": pl.Boolean,
    "since": pl.Date,
    "weeks": pl.List(pl.Struct({"athlete_id": pl.String, "week_start": pl.Date})),
    "whole": pl.Boolean,
}


@dataclass(frozen=True)
class Region:
    """Rows of a mart rewritten: all of them, or those of `athletes` (None: rows of no athlete),
    with `since` every row of the weeks from `since` on, and the rows of the `weeks` (athlete and
    week) listed. Empty: none."""

    whole: bool = False
    athletes: frozenset[str | None] = frozenset()
    since: date | None = None
    weeks: frozenset[tuple[str, date]] = frozenset()

    @property
    def empty(self) -> bool:
        return not self.whole and not self.athletes and self.since is None and not self.weeks

    def union(self, other: Region) -> Region:
        if self.whole or other.whole:
            return Region(whole=True)
        since = min((d for d in (self.since, other.since) if d is not None), default=None)
        athletes = self.athletes | other.athletes
        weeks = frozenset(p for p in self.weeks | other.weeks if p[0] not in athletes)
        return Region(False, athletes, since, weeks)


@dataclass(frozen=True)
class Build:
    """One build of the graph: its number and uuid."""

    number: int
    uuid: str


def start_build(con: duckdb.DuckDBPyConnection) -> Build:
    """Take the next build number, record that the build started, and drop builds past KEEP."""
    number = 1
    if table_exists(con, JOURNAL) and con.table(JOURNAL).columns != list(SCHEMA):
        con.sql(f"drop table {JOURNAL}")  # an earlier version's layout: start afresh
    if table_exists(con, JOURNAL):
        number = con.sql(f"select coalesce(max(build), 0) + 1 from {JOURNAL}").fetchall()[0][0]  # noqa: S608
        con.sql(f"delete from {JOURNAL} where build <= ?", params=[number - KEEP])  # noqa: S608
    build = Build(number, uuid4().hex)
    _append(con, build, [(None, Region())])
    return build


def record_regions(
    con: duckdb.DuckDBPyConnection, build: Build, regions: Mapping[str, Region]
) -> None:
    """The region of every mart the build rewrote, or did not touch, in one batch."""
    _append(con, build, sorted(regions.items()))


def _append(
    con: duckdb.DuckDBPyConnection, build: Build, regions: Iterable[tuple[str | None, Region]]
) -> None:
    rows = [
        {
            "build": build.number,
            "uuid": build.uuid,
            "mart": mart,
            "athletes": sorted(a for a in region.athletes if a is not None),
            "with_none": None in region.athletes,
            "since": region.since,
            "weeks": [{"athlete_id": a, "week_start": w} for a, w in sorted(region.weeks)],
            "whole": region.whole,
        }
        for mart, region in regions
    ]
    append_rows(con, JOURNAL, pl.DataFrame(rows, schema=SCHEMA))


def latest_build(con: duckdb.DuckDBPyConnection) -> Build | None:
    """The last build started in this warehouse (None: no journal)."""
    if not table_exists(con, JOURNAL):
        return None
    rows = con.sql(
        f"select build, uuid from {JOURNAL} where mart is null order by build desc limit 1"  # noqa: S608
    ).fetchall()
    return Build(*rows[0]) if rows else None


def changes_since(con: duckdb.DuckDBPyConnection, base: Build | None) -> dict[str, Region]:
    """Each mart's region rewritten by the builds after `base`, for the marts that `base` and every
    build after it recorded (a mart of the graph; not one written elsewhere). None of them when
    `base` is not in the journal (pruned, another warehouse's, or no journal): every mart is then
    compared in full."""
    if base is None or not table_exists(con, JOURNAL):
        return {}
    rows = con.sql(
        f"select * from {JOURNAL} where build > ? or (build = ? and uuid = ?)",  # noqa: S608
        params=[base.number, base.number, base.uuid],
    ).pl()
    builds = set(rows.filter(pl.col("mart").is_null())["build"])
    if base.number not in builds:
        return {}
    regions: dict[str, Region] = {}
    seen: dict[str, set[int]] = {}
    for row in rows.filter(pl.col("mart").is_not_null()).iter_rows(named=True):
        mart = row["mart"]
        seen.setdefault(mart, set()).add(row["build"])
        if row["build"] > base.number:
            athletes = frozenset(row["athletes"]) | ({None} if row["with_none"] else frozenset())
            weeks = frozenset((p["athlete_id"], p["week_start"]) for p in row["weeks"] or ())
            region = Region(row["whole"], athletes, row["since"], weeks)
            regions[mart] = regions.get(mart, Region()).union(region)
    return {mart: regions.get(mart, Region()) for mart, got in seen.items() if got == builds}
