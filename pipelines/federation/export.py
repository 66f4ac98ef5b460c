"""Federation-wide research: every club's published marts exported as Parquet, one folder per mart.

The layout is `<target>/<mart>/club=<club>/data.parquet`, so one query reads a mart across clubs,
with the club as a column: `SELECT * FROM read_parquet('<target>/mart_club_weekly/*/*.parquet',
hive_partitioning = true)`.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.federation.refresh import club_folders
from pipelines.publish.serving import SERVING_PREFIX
from pipelines.warehouse import connect, ident, table_names


def export_marts(serving: Path, target: Path, club: str) -> list[Path]:
    """Write each mart of one club's serving file to target/<mart>/club=<club>/data.parquet."""
    if not serving.is_file():
        raise FileNotFoundError(
            f"{serving} does not exist: run `strongstride ingest` for club {club} first"
        )
    written = []
    with connect(serving, read_only=True) as con:
        for name in table_names(con, SERVING_PREFIX):
            path = target / name / f"club={club}" / "data.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            con.sql(f"COPY {ident(name)} TO ? (FORMAT parquet)", params=[str(path)])
            written.append(path)
    return written


def export_federation(root: Path, target: Path) -> dict[str, int]:
    """Export the marts of every published club under the federation root; files written per club."""
    return {
        club: len(export_marts(home / "serving.duckdb", target, club))
        for club, home in club_folders(root).items()
        if (home / "serving.duckdb").is_file()
    }
