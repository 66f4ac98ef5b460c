"""An activity's local time zone and calendar: from its first GPS fix, else the athlete's roster zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    from timezonefinder import TimezoneFinder


@cache
def time_zone_finder() -> TimezoneFinder:
    """The one TimezoneFinder of this process (loading its polygons takes tens of milliseconds).

    Imported here, not at the top: its C bindings take a tenth of a second to load, which only
    an activity with a GPS fix needs to pay.
    """
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()


def time_zone_at(lat: float, lon: float) -> str | None:
    """The IANA zone of a point on land; None at sea, where a GPS fix more likely means bad data."""
    return time_zone_finder().timezone_at_land(lat=lat, lng=lon)


def zone(name: str) -> ZoneInfo:
    """The zone called `name`, or a readable error naming the bad value."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(
            f"time zone {name!r} is not an IANA time zone name: use a name such as "
            "Europe/London or America/New_York in the athlete's time_zone column of club/roster.csv"
        ) from error


def resolve_time_zone(lat: float | None, lon: float | None, fallback_tz: str) -> tuple[str, str]:
    """(zone name, 'gps' | 'roster') for an activity whose first fix is (lat, lon), if any."""
    if lat is not None and lon is not None:
        found = time_zone_at(lat, lon)
        if found is not None:
            return found, "gps"
    zone(fallback_tz)
    return fallback_tz, "roster"


@dataclass(frozen=True)
class LocalCalendar:
    """Where an instant falls on the athlete's own calendar."""

    start_local: datetime  # naive wall-clock time in the zone
    local_date: date
    iso_year: int
    iso_week: int
    week_start: date  # Monday of the ISO week


def local_calendar(start_utc: datetime, time_zone: str) -> LocalCalendar:
    """Wall-clock time, date and ISO week of `start_utc` in `time_zone` (zoneinfo, so DST-correct)."""
    instant = start_utc if start_utc.tzinfo else start_utc.replace(tzinfo=UTC)
    local = instant.astimezone(zone(time_zone))
    iso = local.isocalendar()
    local_date = local.date()
    return LocalCalendar(
        start_local=local.replace(tzinfo=None, fold=0),
        local_date=local_date,
        iso_year=iso.year,
        iso_week=iso.week,
        week_start=local_date - timedelta(days=iso.weekday - 1),
    )
