"""A club home built from the real files plus what an attacker or an accident adds, and its state.

Every fault test starts from a copy of the same inputs, so its tables can be compared with those of
one clean run on exactly those inputs.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dashboard.accounts import auth
from pipelines.run import IngestOutcome, run_ingest
from pipelines.settings import load_settings
from tests.garmin_exports import PART1
from tests.publish.warehouse_state import table_contents

ATHLETE = "r001"
INJECTION = "x'); DROP TABLE athletes; --"
ROSTER = (
    "athlete_id,display_name,sex,birth_year,weight_unit,time_zone,hr_rest,hr_max,training_group\n"
    f"{ATHLETE},Real Runner,F,1985,kg,Europe/Berlin,50,190,Real files\n"
    f'r002,"{INJECTION}",M,1990,kg,Europe/London,48,188,\n'
)
CLUB_STRENGTH = (
    "date,time,athlete_id,exercise,set,reps,load,unit,rpe,notes\n"
    f'2026-03-02,18:30,,Hip Thrust\'; DROP TABLE strength_sets; --,1,10,60,kg,7,"{INJECTION}"\n'
)
INJECTED_FILE_NAME = "Tempo run'; DROP TABLE files; --.gpx"
INJECTED_RUN_NAME = "Tempo'); DELETE FROM activities; --"
# Copies of one short real run, each with its own bytes, so parsing lasts seconds (a kill lands
# mid-parse); 12 batches of 64 files.
COPIES = 12 * 64
COPIED_RUN = "gpx/apple-watch_run_3-segments_hr-cad-power.gpx"
ACCOUNTS = {  # username -> (role, athlete, password)
    "coach.morgan": ("coach", None, "correct horse battery staple"),
    "runner.r001": ("member", ATHLETE, "tr0ub4dor&3 but longer"),
}
# Each hostile zip, and the reason it must be refused with.
HOSTILE_REASONS = {
    "zip_slip.zip": "points outside the zip",
    "windows_slip.zip": "points outside the zip",
    "absolute_path.zip": "is an absolute path",
    "drive_letter.zip": "is an absolute path",
    "symlink.zip": "is a symbolic link",
    "nested.zip": "holds another zip",
    "garmin_slip.zip": "points outside the zip",
    "garmin_nested.zip": "more than one level deep",
}
ESCAPED_NAME = "escaped_run.gpx"


def zipped(members: dict[str | zipfile.ZipInfo, bytes]) -> bytes:
    """A zip of these members (a ZipInfo key keeps its attributes, e.g. a symbolic link's mode)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def strava_export(realdata: Path) -> bytes:
    """The real Strava export folder, zipped as Strava sends it."""
    folder = realdata / "strava_export"
    return zipped(
        {
            f"export_1/{p.relative_to(folder)}": p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }
    )


def hostile_zips(realdata: Path, outside: Path) -> dict[str, bytes]:
    """Zips built to write outside the athlete's folder if anything ever extracted them."""
    run = (realdata / "gpx/garmin-connect_run_hr.gpx").read_bytes()
    link = zipfile.ZipInfo("export_1/activities/link.gpx")
    link.create_system = 3  # unix, so the mode below is read as a symbolic link
    link.external_attr = 0o120777 << 16
    return {
        "zip_slip.zip": zipped({f"export_1/activities/../../../{ESCAPED_NAME}": run}),
        "windows_slip.zip": zipped({f"export_1\\..\\..\\{ESCAPED_NAME}": run}),
        "absolute_path.zip": zipped({str(outside / ESCAPED_NAME): run}),
        "drive_letter.zip": zipped({f"C:/Users/{ESCAPED_NAME}": run}),
        "symlink.zip": zipped({link: str(outside / ESCAPED_NAME).encode()}),
        "nested.zip": zipped({"export_1/activities/inner.zip": strava_export(realdata)}),
        # Garmin's export: the entry hides in a zip inside the zip, where the originals are kept
        "garmin_slip.zip": zipped(
            {PART1: zipped({"runner_1.gpx": run, f"../../../{ESCAPED_NAME}": run})}
        ),
        "garmin_nested.zip": zipped({PART1: zipped({"deeper.zip": zipped({"runner_1.gpx": run})})}),
    }


def build_club(home: Path, realdata: Path, outside: Path) -> None:
    """Every real file, copies, injection strings, hostile zips and accounts, not yet ingested."""
    inbox = home / "inbox" / ATHLETE
    inbox.mkdir(parents=True)
    (home / "club").mkdir()
    (home / "club" / "roster.csv").write_text(ROSTER)
    for folder in ("gpx", "tcx", "fit", "strength"):
        for path in sorted((realdata / folder).iterdir()):
            if not path.name.endswith(".records.csv"):
                shutil.copy(path, inbox / path.name)
    (inbox / "strava_export.zip").write_bytes(strava_export(realdata))
    copied = (realdata / COPIED_RUN).read_bytes()
    copies = inbox / "copies"
    copies.mkdir()
    for index in range(COPIES):
        (copies / f"run_{index:04d}.gpx").write_bytes(copied + f"<!-- copy {index} -->\n".encode())
    run = (realdata / "gpx/garmin-connect_run_hr.gpx").read_text()
    named = run.replace("<name>Untitled</name>", f"<name>{INJECTED_RUN_NAME}</name>", 1)
    (inbox / INJECTED_FILE_NAME).write_text(named)
    (inbox / "club_log.csv").write_text(CLUB_STRENGTH)
    for name, data in hostile_zips(realdata, outside).items():
        (inbox / name).write_bytes(data)
    for username, (role, athlete, password) in ACCOUNTS.items():
        auth.add_account(home / "accounts.json", username, role, password, athlete_id=athlete)


def ingest(home: Path) -> IngestOutcome:
    """One run in this process, parsing in this process too.

    On the club's own Dagster instance, not an ephemeral one: the security tests look through
    everything a run writes into the home, Dagster's run and compute logs included.
    """
    # A worker pool costs seconds of start-up a run; the kill test's subprocess exercises the pool.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STRONGSTRIDE_WORKERS", "1")
        return run_ingest(load_settings(home))


def copy_home(source: Path, target: Path) -> Path:
    """A private copy of a club home, for a test that damages it."""
    shutil.copytree(source, target, symlinks=True)
    return target


def raw_archive(home: Path) -> dict[str, str]:
    """Every archived file by path, with the SHA-256 of its bytes (half copies left by a kill aside)."""
    return {
        str(path.relative_to(home)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted((home / "raw").rglob("*"))
        if path.is_file() and path.suffix != ".part"
    }


def assert_archive_kept(before: dict[str, str], after: dict[str, str]) -> None:
    """Nothing archived was changed or removed, and each file is named by its own content hash."""
    assert {path: after.get(path) for path in before} == before
    assert all(Path(path).name == sha for path, sha in after.items())


def _home_independent(contents: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Tables with the home folder cut out of paths, so copies of a home can be compared.

    Every home in these tests is a folder named `home`, wherever it was copied to.
    """
    return {
        name: frame.with_columns(pl.col(pl.String).str.replace(r"^/.*/home/", "$HOME/"))
        for name, frame in contents.items()
    }


def warehouse_tables(home: Path) -> dict[str, pl.DataFrame]:
    """Every warehouse table, without wall-clock columns or the home's own path."""
    return _home_independent(table_contents(home / "warehouse.duckdb"))


def serving_marts(home: Path) -> dict[str, pl.DataFrame]:
    """The published marts (serving_meta, which counts publications, aside)."""
    contents = table_contents(home / "serving.duckdb")
    contents.pop("serving_meta", None)
    return _home_independent(contents)


def rows(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Rows of one query on a DuckDB file, opened read-only."""
    with duckdb.connect(str(path), read_only=True) as con:
        return con.sql(sql, params=params or []).fetchall()


@dataclass(frozen=True)
class CleanRun:
    """One uninterrupted run on the shared inputs: the reference every fault test must reach."""

    home: Path
    warehouse: dict[str, pl.DataFrame]
    marts: dict[str, pl.DataFrame]


def assert_same_rows(expected: dict[str, pl.DataFrame], actual: dict[str, pl.DataFrame]) -> None:
    """The same tables with the same rows; a failure shows the rows only one side has."""
    assert sorted(expected) == sorted(actual)
    for name, frame in expected.items():
        if frame.equals(actual[name]):
            continue
        columns = [c for c, t in frame.schema.items() if not isinstance(t, (pl.List, pl.Struct))]
        missing = frame.join(actual[name], on=columns, how="anti", nulls_equal=True)
        extra = actual[name].join(frame, on=columns, how="anti", nulls_equal=True)
        raise AssertionError(
            f"table {name} differs:\nonly in the clean run:\n{missing}\nonly here:\n{extra}"
        )
