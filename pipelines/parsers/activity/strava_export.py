"""Strava bulk-export zips: each activity file, with the name, type and gear activities.csv gives it.

The zip is read in memory, never extracted: entries that could escape a folder (absolute paths,
'..', symbolic links) and zips inside the zip are refused, and every member is read through a
bounded reader so a decompression bomb stops at `max_unzipped_bytes`, whatever sizes the zip states.
"""

from __future__ import annotations

import csv
import io
import posixpath
import stat
import zipfile
import zlib
from dataclasses import dataclass

from pipelines.parsers.activity.activity_file import parse_activity_file
from pipelines.parsers.schemas import ParsedActivity, ParseError

ACTIVITY_SUFFIXES = (".fit", ".gpx", ".tcx", ".fit.gz", ".gpx.gz", ".tcx.gz")
EXPORT_HINT = "download the export again from Strava and upload that zip unchanged"
_COLUMNS = {
    "id": "Activity ID",
    "name": "Activity Name",
    "type": "Activity Type",
    "gear": "Activity Gear",
    "file": "Filename",
}
# Strava activity types (spaces and dashes removed, lower case) -> settings.SPORTS
_SPORTS_OF_TYPES = {
    "running": ["run"],
    "trail_running": ["trailrun"],
    "treadmill_running": ["virtualrun"],
    "walking": ["walk"],
    "hiking": ["hike"],
    "swimming": ["swim"],
    "rowing": ["rowing", "virtualrow"],
    "cycling": ["ride", "virtualride", "ebikeride", "mountainbikeride", "emountainbikeride",
                "gravelride", "velomobile", "handcycle"],
    "skiing": ["nordicski", "alpineski", "backcountryski", "rollerski"],
}  # fmt: skip
_SPORTS = {kind: sport for sport, kinds in _SPORTS_OF_TYPES.items() for kind in kinds}


@dataclass
class ExportedActivity:
    """One activity file of a Strava export, with what activities.csv says about it."""

    member_name: str
    data: bytes
    name: str | None = None
    sport: str | None = None
    gear: str | None = None
    strava_activity_id: str | None = None


def sport_of_strava_type(activity_type: str | None) -> str | None:
    """The settings.SPORTS name of a Strava activity type; None when the export states none."""
    key = "".join(ch for ch in (activity_type or "").lower() if ch.isalnum())
    return _SPORTS.get(key, "other") if key else None


def _refuse_unsafe(info: zipfile.ZipInfo) -> None:
    name = info.filename
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise ParseError(f"unsafe entry in the zip: {name!r} is an absolute path", EXPORT_HINT)
    if ".." in parts:
        raise ParseError(f"unsafe entry in the zip: {name!r} points outside the zip", EXPORT_HINT)
    if stat.S_ISLNK(info.external_attr >> 16):
        raise ParseError(f"unsafe entry in the zip: {name!r} is a symbolic link", EXPORT_HINT)
    if name.lower().endswith(".zip"):
        raise ParseError(
            f"the zip holds another zip ({name!r}), which is not read",
            "upload the Strava export zip itself, or the activity files it holds",
        )


class _Reader:
    """Reads members in memory, stopping once their unpacked bytes together pass the limit."""

    def __init__(self, archive: zipfile.ZipFile, limit: int) -> None:
        self.archive, self.left, self.limit = archive, limit, limit

    def read(self, info: zipfile.ZipInfo) -> bytes:
        with self.archive.open(info) as member:
            data = member.read(self.left + 1)  # never trust the size the zip states
        self.left -= len(data)
        if self.left < 0:
            raise ParseError(
                f"the export unpacks to more than {self.limit / 2**20:g} MB, the most we read",
                "upload a smaller export, or the activity files from its activities folder",
            )
        return data


def _metadata_by_file(text: str, folder: str) -> dict[str, dict[str, str | None]]:
    """activities.csv rows keyed by the zip path of their activity file."""
    rows = csv.reader(io.StringIO(text))
    header = [column.strip() for column in next(rows, [])]
    # Strava repeats column names (Distance in km, then in m): the first of each is the one we want
    at = {key: header.index(column) for key, column in _COLUMNS.items() if column in header}
    if "file" not in at:
        return {}
    found = {}
    for row in rows:
        values = {key: (row[i].strip() or None) if i < len(row) else None for key, i in at.items()}
        if values["file"]:
            found[posixpath.normpath(posixpath.join(folder, values["file"]))] = values
    return found


def read_strava_export(
    data: bytes, max_unzipped_bytes: int = 500 * 2**20
) -> list[ExportedActivity]:
    """The activity files of a Strava bulk-export zip, each with its activities.csv entry."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [info for info in archive.infolist() if not info.is_dir()]
        for info in infos:
            _refuse_unsafe(info)
        reader = _Reader(archive, max_unzipped_bytes)
        listings = [i for i in infos if posixpath.basename(i.filename) == "activities.csv"]
        metadata = {}
        if listings:
            listing = min(listings, key=lambda info: info.filename.count("/"))
            text = reader.read(listing).decode("utf-8-sig", errors="replace")
            metadata = _metadata_by_file(text, posixpath.dirname(listing.filename))
        found = []
        for info in infos:
            if not info.filename.lower().endswith(ACTIVITY_SUFFIXES):
                continue
            row = metadata.get(posixpath.normpath(info.filename), {})
            found.append(
                ExportedActivity(
                    member_name=info.filename,
                    data=reader.read(info),
                    name=row.get("name"),
                    sport=sport_of_strava_type(row.get("type")),
                    gear=row.get("gear"),
                    strava_activity_id=row.get("id"),
                )
            )
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as err:
        raise ParseError(f"the zip file is damaged or encrypted: {err}", EXPORT_HINT) from err
    except (csv.Error, ValueError, OSError) as err:
        raise ParseError(f"the zip file cannot be read: {err}", EXPORT_HINT) from err
    if not found:
        raise ParseError(
            "the zip holds no activity files (.fit, .gpx or .tcx, possibly .gz)",
            "upload the Strava bulk export zip (it has an activities folder and activities.csv)",
        )
    return found


def apply_export_metadata(activities: list[ParsedActivity], exported: ExportedActivity) -> None:
    """Give the activities of one exported file the name, sport and gear Strava lists for it."""
    for activity in activities:
        activity.name = exported.name or activity.name
        # Strava's type is what the athlete chose; a multisport file keeps each leg's own sport
        single = len(activities) == 1
        if single and exported.sport and (exported.sport != "other" or activity.sport == "other"):
            activity.sport = exported.sport
        if exported.gear:
            activity.metadata["gear"] = exported.gear
        if exported.strava_activity_id:
            activity.metadata["strava_activity_id"] = exported.strava_activity_id


def parse_strava_export(
    data: bytes,
) -> tuple[list[tuple[str, ParsedActivity]], list[tuple[str, ParseError]]]:
    """Every readable activity of an export with its zip member's name (and Strava's name, type and
    gear applied), and every member that could not be read with the reason.

    One unreadable activity does not cost the member the rest of the export; the export is refused
    (ParseError) only when none of its activities can be read.
    """
    found: list[tuple[str, ParsedActivity]] = []
    problems: list[tuple[str, ParseError]] = []
    for exported in read_strava_export(data):
        try:
            parsed = parse_activity_file(exported.member_name, exported.data)
        except ParseError as err:
            problems.append((exported.member_name, err))
            continue
        apply_export_metadata(parsed, exported)
        found += [(exported.member_name, activity) for activity in parsed]
    if problems and not found:
        member, err = problems[0]
        raise ParseError(
            f"no activity in the export could be read; {member}: {err.reason}", err.hint
        )
    return found, problems
