"""A few files a real club inbox always holds that cannot (all) be loaded, so Data health shows its work.

Each is small, drawn from the club's seed, and listed in truth.json under "bad_files" with what the
pipeline should make of it:

- a planned route (a GPX <rte> with no times, as Garmin Connect exports a course): rejected, not a
  recorded activity;
- a FIT file cut off halfway (a sync that broke; the full file arrived too): the reader salvages the
  complete messages before the cut and flags the activity as truncated (the cut took the session
  with the sport, so it loads as "other", never a second copy of the run);
- a folder for an athlete not on the roster (inbox/<id>/ with one GPX run): rejected, unknown athlete;
- a Hevy export with an exercise the catalog does not know: loaded, the name listed as unmapped.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

from pipelines.demo.club import Athlete
from pipelines.demo.strength import LoggedSet, StrengthSession
from pipelines.demo.writers_strength import hevy_csv

UNKNOWN_ATHLETE = (
    "visitor01"  # a guest who ran with the club and dropped a file in a folder of her own
)
UNMAPPED_EXERCISE = "Sled Push"  # not in the shipped catalog (club_defaults/exercises.yaml)
ROUTE_POINTS = 48
EARTH_M_PER_DEGREE = 111_320.0


def _loop(center: tuple[float, float], radius_m: float, n: int, rng: np.random.Generator):
    """(lat, lon, ele) of `n` points on a wobbly loop around `center`."""
    angle = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    r = radius_m * (1.0 + 0.15 * np.sin(3.0 * angle + rng.uniform(0.0, 2.0 * np.pi)))
    lat = center[0] + r * np.cos(angle) / EARTH_M_PER_DEGREE
    lon = center[1] + r * np.sin(angle) / (EARTH_M_PER_DEGREE * np.cos(np.radians(center[0])))
    ele = 40.0 + 8.0 * np.sin(angle + rng.uniform(0.0, 2.0 * np.pi))
    return lat, lon, ele


def route_gpx(athlete: Athlete, rng: np.random.Generator) -> bytes:
    """A course as Garmin Connect exports it: a <rte> of points, no times."""
    lat, lon, ele = _loop(athlete.home, 1600.0, ROUTE_POINTS, rng)
    points = "".join(
        f'    <rtept lat="{a:.7f}" lon="{o:.7f}"><ele>{e:.1f}</ele></rtept>\n'
        for a, o, e in zip(lat, lon, ele, strict=True)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="Garmin Connect" xmlns="http://www.topografix.com/GPX/1/1">\n'
        f"  <metadata><name>{athlete.city.name} Sunday loop</name></metadata>\n"
        f"  <rte>\n    <name>{athlete.city.name} Sunday loop</name>\n{points}  </rte>\n"
        "</gpx>\n"
    ).encode()


def visitor_gpx(center: tuple[float, float], start: datetime, rng: np.random.Generator) -> bytes:
    """A 30-minute run recorded by a phone app: a point every 5 s around a 5 km loop."""
    n = 360
    lat, lon, ele = _loop(center, 800.0, n, rng)
    points = "".join(
        f'      <trkpt lat="{a:.7f}" lon="{o:.7f}"><ele>{e:.1f}</ele>'
        f"<time>{start + timedelta(seconds=5 * i):%Y-%m-%dT%H:%M:%SZ}</time></trkpt>\n"
        for i, (a, o, e) in enumerate(zip(lat, lon, ele, strict=True))
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="StrongStride demo phone app" '
        'xmlns="http://www.topografix.com/GPX/1/1">\n'
        "  <trk>\n    <name>Morning Run</name>\n    <type>running</type>\n    <trkseg>\n"
        f"{points}    </trkseg>\n  </trk>\n</gpx>\n"
    ).encode()


def hevy_unmapped_csv(day: date, minute_of_day: int, unit: str) -> bytes:
    """One Hevy workout: a mapped warm-up exercise, then one the catalog does not know."""
    sets = [LoggedSet("Glute Bridge", k + 1, 12, None, None) for k in range(3)]
    sets += [LoggedSet(UNMAPPED_EXERCISE, k + 1, 1, 60.0, None) for k in range(4)]
    session = StrengthSession(day, minute_of_day, 0, 35, 0, False, False, tuple(sets))
    return hevy_csv([session], unit)


def write_bad_files(
    home: Path, members: list[Athlete], monday: date, weeks: int, seed: int
) -> tuple[dict[str, dict[str, str]], int]:
    """Write the bad files into the inbox; their truth entries (by inbox path) and bytes written."""
    rng = np.random.default_rng([seed, 3_000_000])
    inbox = home / "inbox"
    truth: dict[str, dict[str, str]] = {}
    written = 0

    def put(relative: str, data: bytes, kind: str, status: str, mentions: str, note: str) -> None:
        nonlocal written
        path = inbox / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written += len(data)
        truth[relative] = {"kind": kind, "status": status, "mentions": mentions, "what": note}

    owner = members[int(rng.integers(len(members)))]
    put(
        f"{owner.athlete_id}/COURSE_{int(rng.integers(10**8, 10**9))}.gpx",
        route_gpx(owner, rng),
        "route",
        "rejected",
        "not a recorded activity",
        "a planned route (GPX <rte>, no times)",
    )
    fits = sorted(
        path
        for a in members
        if a.activity_format == "fit" and not a.via_strava
        for path in (inbox / a.athlete_id).glob("*.fit")
    )
    if fits:
        source = fits[int(rng.integers(len(fits)))]
        data = source.read_bytes()
        put(
            f"{source.parent.name}/{source.stem} (1).fit",
            data[: len(data) // 2],
            "truncated_fit",
            "ingested",
            "truncated",
            "a FIT file cut off halfway (a broken sync; the full file arrived too): salvaged, flagged",
        )
    day = monday + timedelta(days=7 * (weeks - 1) - 1)  # the Sunday before the last week
    start = datetime(day.year, day.month, day.day, 8, 30, tzinfo=UTC)
    put(
        f"{UNKNOWN_ATHLETE}/activity_{int(rng.integers(10**10, 2 * 10**10))}.gpx",
        visitor_gpx(members[0].home, start, rng),
        "unknown_athlete",
        "rejected",
        "unknown athlete",
        "a folder for an athlete not on the roster",
    )
    casual = (
        [a for a in members if not a.enrolled and a.strength_channel is None]
        or [a for a in members if not a.enrolled]
        or members
    )
    lifter = casual[int(rng.integers(len(casual)))]
    name = "workouts.csv" if lifter.strength_channel != "hevy" else "workouts (1).csv"
    put(
        f"{lifter.athlete_id}/{name}",
        hevy_unmapped_csv(day - timedelta(days=2), 18 * 60 + 15, lifter.weight_unit),
        "unmapped_exercise",
        "ingested",
        UNMAPPED_EXERCISE,
        "a Hevy export with an exercise the catalog does not know",
    )
    return truth, written
