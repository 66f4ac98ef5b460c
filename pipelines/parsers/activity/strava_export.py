"""Account-export zips, Strava's and Garmin Connect's: each activity file, with the name, type and
gear Strava's activities.csv gives it.

Which export it is shows in its content: Garmin's has a DI_CONNECT folder and keeps the original
files in zips inside the zip (DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip, ...).
Those zips, and no others, are opened, exactly one level deep; a zip inside them, or inside a Strava
export, is refused, and Garmin's other zips (device and training backups) hold no recorded activities
and are not read. Everything is read in memory, never extracted: entries that could escape a folder
(absolute paths, '..', symbolic links) are refused at either level, and every member is read through
one bounded reader, so a decompression bomb stops at `max_unzipped_bytes` (the unpacked bytes of both
levels counted together), whatever sizes the zips state. A member is named by its full path, an inner
zip's members as `<inner zip's path>/<name>`.

Files of both exports keep the kind 'strava_export', the name warehouses already store.
"""

from __future__ import annotations

import csv
import io
import posixpath
import stat
import zipfile
import zlib
from dataclasses import dataclass
from typing import NamedTuple

from pipelines.parsers.activity.activity_file import parse_activity_file
from pipelines.parsers.schemas import DeviceDataFile, ParsedActivity, ParseError

ACTIVITY_SUFFIXES = (".fit", ".gpx", ".tcx", ".fit.gz", ".gpx.gz", ".tcx.gz")
STRAVA, GARMIN = "strava_export", "garmin_export"
EXPORT_HINT = (
    "download the export again from Strava or Garmin Connect and upload that zip unchanged"
)
GARMIN_ROOT = "di_connect"
# the folders where Garmin's export keeps the files watches and apps uploaded (the second: older
# exports), in lower case
GARMIN_UPLOADS = {
    (GARMIN_ROOT, "di-connect-uploaded-files"),
    (GARMIN_ROOT, "di-connect-fitness-uploaded-files"),
}
_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError)
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
    """One activity file of an export, with what Strava's activities.csv says about it."""

    member_name: str  # its full path in the export
    data: bytes
    name: str | None = None
    sport: str | None = None
    gear: str | None = None
    strava_activity_id: str | None = None
    source: str = STRAVA  # whose export it came from: strava_export | garmin_export


class ExportContents(NamedTuple):
    """What an export gave: whose it is, its activities and the members that could not be read."""

    source: str  # strava_export | garmin_export
    found: list[tuple[str, ParsedActivity]]
    problems: list[tuple[str, ParseError]]


@dataclass(frozen=True)
class _Member:
    """One file of the export: its full path and the zip (outer or inner) that holds it."""

    path: str
    archive: zipfile.ZipFile
    info: zipfile.ZipInfo


def sport_of_strava_type(activity_type: str | None) -> str | None:
    """The settings.SPORTS name of a Strava activity type; None when the export states none."""
    key = "".join(ch for ch in (activity_type or "").lower() if ch.isalnum())
    return _SPORTS.get(key, "other") if key else None


def _refuse_unsafe(path: str, info: zipfile.ZipInfo) -> None:
    name = info.filename
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise ParseError(f"unsafe entry in the zip: {path!r} is an absolute path", EXPORT_HINT)
    if ".." in parts:
        raise ParseError(f"unsafe entry in the zip: {path!r} points outside the zip", EXPORT_HINT)
    if stat.S_ISLNK(info.external_attr >> 16):
        raise ParseError(f"unsafe entry in the zip: {path!r} is a symbolic link", EXPORT_HINT)


def _damaged(what: str, err: Exception) -> ParseError:
    return ParseError(f"{what} is damaged or encrypted: {err}", EXPORT_HINT)


def _open(data: bytes, what: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except _DAMAGE as err:
        raise _damaged(what, err) from err


class _Reader:
    """Reads members in memory, stopping once their unpacked bytes together pass the limit."""

    def __init__(self, limit: int) -> None:
        self.left, self.limit = limit, limit

    def read(self, member: _Member) -> bytes:
        try:
            with member.archive.open(member.info) as stream:
                data = stream.read(self.left + 1)  # never trust the size the zip states
        except _DAMAGE as err:
            raise _damaged(f"{member.path!r} in the zip", err) from err
        self.left -= len(data)
        if self.left < 0:
            raise ParseError(
                f"the export unpacks to more than {self.limit / 2**20:g} MB, the most we read",
                "upload a smaller export, or the activity files it holds",
            )
        return data


def _files(archive: zipfile.ZipFile, within: str = "") -> list[_Member]:
    """The files of one zip, named by their full path, each checked to be safe."""
    members = []
    for info in archive.infolist():
        if info.is_dir():
            continue
        _refuse_unsafe(within + info.filename, info)
        members.append(_Member(within + info.filename, archive, info))
    return members


def _folders(path: str) -> list[str]:
    return path.lower().replace("\\", "/").split("/")[:-1]


def _is_zip(member: _Member) -> bool:
    return member.path.lower().endswith(".zip")


def _is_garmin_upload(member: _Member) -> bool:
    """Whether the member is one of the zips Garmin's export keeps the uploaded files in."""
    return tuple(_folders(member.path)[-2:]) in GARMIN_UPLOADS


def _inner_files(member: _Member, reader: _Reader) -> list[_Member]:
    """The files of a zip inside the export, which may hold no further zip."""
    files = _files(_open(reader.read(member), repr(member.path)), member.path + "/")
    for file in files:
        if _is_zip(file):
            raise ParseError(
                f"the zip holds zips more than one level deep ({file.path!r}), which are not read",
                EXPORT_HINT,
            )
    return files


def _export_files(archive: zipfile.ZipFile, reader: _Reader) -> tuple[str, list[_Member]]:
    """Whose export this is, and its files, with those of Garmin's uploaded-files zips."""
    outer = _files(archive)
    garmin = any(GARMIN_ROOT in _folders(member.path) for member in outer)
    members = []
    for member in outer:
        if not _is_zip(member):
            members.append(member)
        elif not garmin:
            raise ParseError(
                f"the zip holds another zip ({member.path!r}), which is not read",
                "upload the export zip itself, or the activity files it holds",
            )
        elif _is_garmin_upload(member):
            members += _inner_files(member, reader)
    return (GARMIN if garmin else STRAVA), members


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


def _listed(members: list[_Member], reader: _Reader) -> dict[str, dict[str, str | None]]:
    """Strava's activities.csv rows keyed by the path of their activity file; none in Garmin's."""
    listings = [m for m in members if posixpath.basename(m.path) == "activities.csv"]
    if not listings:
        return {}
    listing = min(listings, key=lambda member: member.path.count("/"))
    text = reader.read(listing).decode("utf-8-sig", errors="replace")
    return _metadata_by_file(text, posixpath.dirname(listing.path))


def read_strava_export(
    data: bytes, max_unzipped_bytes: int = 500 * 2**20
) -> list[ExportedActivity]:
    """The activity files of a Strava or Garmin Connect export zip, each with Strava's
    activities.csv entry for it."""
    reader = _Reader(max_unzipped_bytes)
    try:
        source, members = _export_files(_open(data, "the zip file"), reader)
        metadata = _listed(members, reader)
        found = []
        for member in members:
            if not member.path.lower().endswith(ACTIVITY_SUFFIXES):
                continue
            row = metadata.get(posixpath.normpath(member.path), {})
            found.append(
                ExportedActivity(
                    member_name=member.path,
                    data=reader.read(member),
                    name=row.get("name"),
                    sport=sport_of_strava_type(row.get("type")),
                    gear=row.get("gear"),
                    strava_activity_id=row.get("id"),
                    source=source,
                )
            )
    except (csv.Error, ValueError, OSError) as err:
        raise ParseError(f"the zip file cannot be read: {err}", EXPORT_HINT) from err
    if not found:
        raise ParseError(
            "the zip holds no activity files (.fit, .gpx or .tcx, possibly .gz)",
            "upload the account export zip from Strava or Garmin Connect unchanged",
        )
    return found


def apply_export_metadata(activities: list[ParsedActivity], exported: ExportedActivity) -> None:
    """Give the activities of one exported file the name, sport and gear Strava lists for it."""
    for activity in activities:
        activity.name = exported.name or activity.name
        # Strava's type is what the athlete chose; a multisport file keeps each leg's own sport
        single = len(activities) == 1
        if (
            single
            and exported.sport
            and (exported.sport != "other" or activity.sport in (None, "other"))
        ):
            activity.sport = exported.sport
        if exported.gear:
            activity.metadata["gear"] = exported.gear
        if exported.strava_activity_id:
            activity.metadata["strava_activity_id"] = exported.strava_activity_id


def parse_strava_export(data: bytes) -> ExportContents:
    """Every readable activity of an export with its member's path (and Strava's name, type and
    gear applied), and every member that could not be read with the reason.

    One unreadable activity does not cost the member the rest of the export; the export is refused
    (ParseError) only when none of its activities can be read. The watch's own settings and
    health-data files, which Garmin's export keeps beside the activities, are left out unremarked.
    """
    exported_files = read_strava_export(data)
    found: list[tuple[str, ParsedActivity]] = []
    problems: list[tuple[str, ParseError]] = []
    for exported in exported_files:
        try:
            parsed = parse_activity_file(exported.member_name, exported.data)
        except DeviceDataFile:
            continue
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
    if not found:
        raise ParseError(
            "the export holds no recorded activities, only the watch's settings and health data",
            "upload the account export zip from Strava or Garmin Connect unchanged",
        )
    return ExportContents(exported_files[0].source, found, problems)
