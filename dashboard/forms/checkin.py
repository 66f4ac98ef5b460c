"""The weekly check-in's calendar for one member: which week is due, by when, and whether it is in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from dashboard import data
from dashboard.accounts.viewer import Viewer
from dashboard.forms.entries import CHECKIN, own_entries
from pipelines.settings import Thresholds, checkin_deadline, checkin_week

THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class CheckinStatus:
    """The due week, its deadline in the member's time zone, and the member's latest answer to it."""

    week_start: date
    deadline: date
    today: date
    latest_entry: (
        dict | None
    )  # the newest entry document written for the week (None = not answered)
    published: bool  # the week's answer is in the published data

    @property
    def answered(self) -> bool:
        return self.latest_entry is not None or self.published

    @property
    def late(self) -> bool:
        return self.today > self.deadline


def member_today(viewer: Viewer, now: datetime | None = None) -> date:
    """Today's date in the member's own time zone (the roster's)."""
    profile = data.athlete_profile(viewer)
    zone = profile["time_zone"][0] if profile.height and profile["time_zone"][0] else "UTC"
    return (now or datetime.now(ZoneInfo("UTC"))).astimezone(ZoneInfo(zone)).date()


def checkin_status(viewer: Viewer, now: datetime | None = None) -> CheckinStatus:
    """Where the member's check-in for the due week stands (their own folder and published data)."""
    today = member_today(viewer, now)
    week = checkin_week(today, THRESHOLDS)
    mine = [e for e in own_entries(viewer, CHECKIN) if e.get("week_start") == week.isoformat()]
    weeks = data.checkin_weeks(viewer)
    published = weeks.filter(weeks["week_start"] == week).height > 0
    return CheckinStatus(
        week, checkin_deadline(week, THRESHOLDS), today, mine[0] if mine else None, published
    )


def checkin_missing(viewer: Viewer) -> bool:
    """True when a member has not answered the due week's check-in (False when data is unavailable)."""
    if viewer.is_coach:
        return False
    try:
        return not checkin_status(viewer).answered
    except data.DataUnavailable:
        return False
