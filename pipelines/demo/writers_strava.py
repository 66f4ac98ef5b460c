"""A Strava bulk export: activities.csv (with its duplicated columns) and the gzipped originals, zipped."""

from __future__ import annotations

import gzip
import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np

from pipelines.demo.runs import Recording

HEADER = (
    "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,"
    "Distance,Max Heart Rate,Relative Effort,Commute,Activity Private Note,Activity Gear,Filename,"
    "Athlete Weight,Bike Weight,Elapsed Time,Moving Time,Distance,Max Speed,Average Speed,"
    "Elevation Gain,Elevation Loss,Elevation Low,Elevation High,Max Grade,Average Grade,"
    "Average Positive Grade,Average Negative Grade,Max Cadence,Average Cadence,Max Heart Rate,"
    "Average Heart Rate,Max Watts,Average Watts,Calories,Max Temperature,Average Temperature,"
    "Relative Effort,Total Work,Number of Runs,Uphill Time,Downhill Time,Other Time,"
    "Perceived Exertion,Type,Start Time,Weighted Average Power,Power Count,"
    "Prefer Perceived Exertion,Perceived Relative Effort,Commute,Total Weight Lifted,From Upload,"
    "Grade Adjusted Distance,Weather Observation Time,Weather Condition,Weather Temperature,"
    "Apparent Temperature,Dewpoint,Humidity,Weather Pressure,Wind Speed,Wind Gust,Wind Bearing,"
    "Precipitation Intensity,Sunrise Time,Sunset Time,Moon Phase,Bike,Gear,"
    "Precipitation Probability,Precipitation Type,Cloud Cover,Weather Visibility,UV Index,"
    "Weather Ozone,Jump Count,Total Grit,Average Flow,Flagged,Average Elapsed Speed,Dirt Distance,"
    "Newly Explored Distance,Newly Explored Dirt Distance,Activity Count,Total Steps,Carbon Saved,"
    "Pool Length,Training Load,Intensity,Average Grade Adjusted Pace,Timer Time,Total Cycles,Media"
)
COLUMNS = HEADER.split(",")
QUOTED_TEXT = {"Activity Description", "Activity Private Note", "Media"}  # "" even when empty
SIDE_FILES = {  # header-only CSVs that sit beside activities.csv in a real export
    "media.csv": "Media Filename,Media Caption\n",
    "routes.csv": "Route Name,Route Filename\n",
    "bikes.csv": "Bike Name,Bike Brand,Bike Model,Bike Default Sport Types\n",
    "shoes.csv": "Shoe Name,Shoe Brand,Shoe Model,Shoe Default Sport Types\n",
}
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class ExportedActivity:
    """One activity in the export: the original file's bytes and Strava's ids for it."""

    recording: Recording
    original: bytes
    extension: str  # fit | gpx | tcx
    activity_id: int
    file_id: int  # Strava names the file by another id than the activity's


def strava_date(unix_s: int) -> str:
    """'May 29, 2022, 3:53:35 PM' in UTC, independent of the machine's locale."""
    moment = datetime.fromtimestamp(unix_s, UTC)
    hour = moment.hour % 12 or 12
    return (
        f"{MONTH_NAMES[moment.month - 1]} {moment.day}, {moment.year}, "
        f"{hour}:{moment:%M:%S} {'AM' if moment.hour < 12 else 'PM'}"
    )


def _field(column: str, value: object) -> str:
    text = "" if value is None else str(value)
    if column in QUOTED_TEXT or any(c in text for c in ',"\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _row(item: ExportedActivity) -> str:
    rec = item.recording
    running = rec.plan.sport == "running"
    rises = np.diff(rec.ele)
    values = {
        ("Activity ID", 0): item.activity_id,
        ("Activity Date", 0): strava_date(int(rec.t[0])),
        ("Activity Name", 0): rec.plan.name,
        ("Activity Type", 0): "Run" if running else "Ride",
        ("Activity Description", 0): "",
        ("Elapsed Time", 0): rec.elapsed_s,
        ("Distance", 0): f"{rec.distance_m / 1000:.2f}",
        ("Commute", 0): "false",
        ("Activity Private Note", 0): "",
        ("Filename", 0): f"activities/{item.file_id}.{item.extension}.gz",
        ("Elapsed Time", 1): float(rec.elapsed_s),
        ("Moving Time", 0): float(rec.timer_s),
        ("Distance", 1): float(np.float32(rec.distance_m)),
        ("Max Speed", 0): float(np.float32(rec.speed.max())),
        ("Average Speed", 0): float(np.float32(rec.distance_m / max(rec.timer_s, 1))),
        ("Elevation Gain", 0): float(np.float32(rises[rises > 0].sum())),
        ("Elevation Loss", 0): float(np.float32(-rises[rises < 0].sum())),
        ("Elevation Low", 0): float(np.float32(rec.ele.min())),
        ("Elevation High", 0): float(np.float32(rec.ele.max())),
        ("Average Grade", 0): 0.0,
        ("Max Cadence", 0): float(rec.cad.max()),
        ("Average Cadence", 0): float(np.float32(rec.cad.mean())),
        ("Calories", 0): float(round(rec.distance_m * (0.065 if running else 0.025))),
        ("Commute", 1): 0.0,
        ("From Upload", 0): 1.0,
        ("Flagged", 0): 0.0,
        ("Average Elapsed Speed", 0): float(np.float32(rec.distance_m / max(rec.elapsed_s, 1))),
        ("Dirt Distance", 0): 0.0,
        ("Media", 0): "",
    }
    if rec.hr is not None:
        values[("Max Heart Rate", 0)] = float(rec.hr.max())
        values[("Max Heart Rate", 1)] = float(rec.hr.max())
        values[("Average Heart Rate", 0)] = float(np.float32(rec.hr.mean()))
    seen: dict[str, int] = {}
    fields = []
    for column in COLUMNS:
        occurrence = seen.get(column, 0)
        seen[column] = occurrence + 1
        fields.append(_field(column, values.get((column, occurrence))))
    return ",".join(fields) + "\n"


def strava_export_zip(items: list[ExportedActivity], exported_on: date) -> bytes:
    """The export zip, byte-identical for the same activities (fixed entry times, gzip mtime 0)."""
    stamp = (exported_on.year, exported_on.month, exported_on.day, 0, 0, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def put(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)

        csv_text = HEADER + "\n" + "".join(_row(item) for item in items)
        put("activities.csv", csv_text.encode("utf-8"))
        for item in items:
            put(
                f"activities/{item.file_id}.{item.extension}.gz",
                gzip.compress(item.original, mtime=0),
            )
        for name, text in SIDE_FILES.items():
            put(name, text.encode("utf-8"))
    return buffer.getvalue()
