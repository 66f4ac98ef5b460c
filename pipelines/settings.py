"""Every path and setting of one club, resolved once from STRONGSTRIDE_HOME (standard library only:
the dashboard imports it too; with dashboard/config.py, the only modules reading os.environ)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

FORMS_FOLDER = "forms"
ENTRY_SUFFIX = ".json"  # an app entry's document (members' forms/, the coach's records/)
SQL_ROOT = Path(__file__).resolve().parent.parent / "sql"
RUNNING_SPORTS = ("running", "trail_running", "treadmill_running")
SPORTS = (
    "running",
    "trail_running",
    "treadmill_running",
    "walking",
    "hiking",
    "cycling",
    "swimming",
    "rowing",
    "skiing",
    "other",
)


@dataclass(frozen=True)
class Thresholds:
    """Choices METRICS.md leaves to us; each is shown on the page next to the number it changes."""

    spike_speed_m_s: float = 12.0
    moving_speed_kmh: float = 1.0
    pause_gap_s: float = 30.0
    elevation_window_m: float = 30.0
    elevation_hysteresis_m: float = 3.0
    grade_window_m: float = 30.0
    # spike_speed_m_s holds for running and every other named sport; 'other' takes the highest limit
    spike_speed_cycling_m_s: float = 40.0
    spike_speed_skiing_m_s: float = 30.0
    # A file naming no sport is running when its median moving speed is in this band (10:00 to
    # 3:45 min/km), walking below it and cycling above it.
    running_speed_min_kmh: float = 6.0
    running_speed_max_kmh: float = 16.0
    spike_max_points: int = 3  # a run of this many fixes or fewer between two jumps is a spike
    steady_hr_coverage: float = 0.8  # share of points with HR a steady run needs
    steady_speed_cv_max: float = 0.25  # max coefficient of variation of grade-adjusted speeds
    steady_speed_window_s: float = 60.0  # moving-time window those speeds are taken over
    adherence_high: float = 0.84
    adherence_medium: float = 0.74
    adherence_lag_weeks: int = 4
    acwr_spike: float = 1.5
    acwr_min_history_days: int = 28
    acwr_acute_days: int = 7
    acwr_chronic_days: int = 28
    acwr_seed_days: int = 7  # both ACWR EWMAs start from the mean daily load of these first days
    ctl_days: int = 42
    atl_days: int = 7
    strength_minutes_per_set: float = 2.5  # strength session length estimate for session RPE load
    # Load per minute of a session with neither HR nor RPE: Banister TRIMP per minute at dHR 0.6 (a
    # moderate run) with the weighting used when sex is unknown, 0.6 x 0.86 e^(1.67 x 0.6) = 1.41
    # (men's weighting gives 1.22).
    default_load_per_minute: float = 1.4
    trend_recent_weeks: int = 12
    trend_min_weeks: int = 6  # fewer weekly points than this: insufficient_data
    before_after_weeks: int = 6  # before = 6 weeks before enrolment, after = program weeks 7-12
    falling_behind_weeks: int = 4
    ostrc_recent_weeks: int = 2
    steady_run_min_minutes: float = 20.0
    max_upload_mb: int = 50
    max_unzipped_mb: int = 500
    checkin_opens_weekday: int = 7  # ISO weekday the weekly check-in opens on (7 = Sunday)
    checkin_grace_days: int = 3  # days after the recall week's Sunday an answer is on time
    max_form_kb: int = 64
    followup_weeks: int = 4  # an unclassified OSTRC problem answered this recently is followed up
    assessment_retest_weeks: int = 8  # weeks after the last assessment a re-test is due
    # athlete-cluster bootstrap of the OSTRC mean prevalence and the crude rate ratios
    bootstrap_replicates: int = 2000
    bootstrap_seed: int = 19
    # the adjusted rate ratios need this many athletes: cluster-robust intervals from fewer are too narrow
    adjusted_min_athletes: int = 10
    # Strength progression (METRICS.md): the estimated 1RM (Epley) only from sets of 1 to this many
    # reps (Reynolds 2006); "flat" after this many sessions without a new best of the progress
    # measure; "regressing" when a session's measure is more than strength_regress_drop below the
    # best of the strength_recent_sessions sessions before it (10%: beyond the few percent a
    # measure moves between ordinary sessions); "ready to progress" at RPE this high or lower.
    strength_e1rm_max_reps: int = 10
    strength_flat_sessions: int = 3
    strength_regress_drop: float = 0.10
    strength_recent_sessions: int = 3
    strength_ready_max_rpe: float = 8.0
    rri_min_days: int = 7  # Yamato 2015: running restricted or stopped this many days  # a form entry larger than this is rejected unread
    # Running form (METRICS.md "Running form"): cadence, ground contact and oscillation move with
    # speed, so weekly medians take only easy runs, those within this many s/km of the member's
    # median pace over their baseline weeks, and compare them with those weeks.
    form_pace_band_s_per_km: float = 30.0
    form_baseline_weeks: int = 8
    # Ground contact balance this many points from 50% (left share) this many weeks in a row, on
    # the same side: "persistent asymmetry: consider an assessment" (no link to injury is known).
    form_asymmetry_points: float = 1.5
    form_asymmetry_weeks: int = 4


@dataclass(frozen=True)
class HomeLayout:
    """Where everything lives in one club's home folder: the one layout pipelines and dashboard share."""

    home: Path

    @property
    def inbox(self) -> Path:
        return self.home / "inbox"

    @property
    def club(self) -> Path:
        return self.home / "club"

    def member_forms(self, athlete_id: str) -> Path:
        """Where a member's app entries (check-ins, injury reports) are written: their own inbox."""
        return self.inbox / athlete_id / FORMS_FOLDER

    @property
    def records(self) -> Path:
        """Where the coach's app entries (reports for an athlete, classifications) are written."""
        return self.club / "records"

    @property
    def raw(self) -> Path:
        return self.home / "raw"

    @property
    def warehouse(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def serving(self) -> Path:
        return self.home / "serving.duckdb"

    @property
    def accounts(self) -> Path:
        return self.home / "accounts.json"

    @property
    def sessions(self) -> Path:
        """The dashboard's log-in sessions and lockout counters (SQLite)."""
        return self.home / "sessions.sqlite"

    @property
    def dagster_home(self) -> Path:
        return self.home / ".dagster"

    @property
    def demo_truth(self) -> Path:
        return self.home / "demo" / "truth.json"


SMTP_SECURITY = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class SmtpSettings:
    """The mail server check-in reminders go out through (STRONGSTRIDE_SMTP_*).

    `security`: starttls (upgrade a plain connection, port 587), ssl (TLS from the start, port 465)
    or none (a local relay only). The password is kept out of the repr so it is never logged.
    """

    host: str
    sender: str
    port: int = 587
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    security: str = "starttls"

    def __post_init__(self) -> None:
        if self.security not in SMTP_SECURITY:
            raise ValueError(
                f"STRONGSTRIDE_SMTP_SECURITY {self.security!r} is not one of {', '.join(SMTP_SECURITY)}"
            )
        if not self.sender:
            raise ValueError(
                "STRONGSTRIDE_SMTP_FROM is required when STRONGSTRIDE_SMTP_HOST is set"
            )


@dataclass(frozen=True)
class Settings(HomeLayout):
    """One club's data folder and everything derived from it."""

    club_time_zone: str = "Europe/London"
    nightly_cron: str = "0 2 * * *"
    smtp: SmtpSettings | None = None  # None: e-mail reminders are off
    reminder_cron: str = "0 18 * * 1"  # Monday 18:00 in the club's time zone
    app_url: str | None = None  # the dashboard's address, for links in mails
    parse_workers: int = 2
    full_sweep_days: int = 7  # how often the nightly run lists every inbox folder (see inbox.py)
    thresholds: Thresholds = field(default_factory=Thresholds)


def checkin_week(today: date, thresholds: Thresholds) -> date:
    """The Monday of the ISO week whose check-in is due on `today` (a date in the member's time zone).

    A week's check-in opens on its `checkin_opens_weekday` (Sunday by default: the recall week is the
    seven days ending that Sunday) and stays the one asked for until the next week's opens.
    """
    monday = today - timedelta(days=today.isoweekday() - 1)
    opened = today.isoweekday() >= thresholds.checkin_opens_weekday
    return monday if opened else monday - timedelta(days=7)


def checkin_deadline(week_start: date, thresholds: Thresholds) -> date:
    """The last day (in the member's time zone) an answer for the week starting `week_start` is on time."""
    return week_start + timedelta(days=6 + thresholds.checkin_grace_days)


def club_home(home: str | Path | None = None) -> Path:
    """The club's home folder: `home`, else $STRONGSTRIDE_HOME, else ./data."""
    return Path(home or os.environ.get("STRONGSTRIDE_HOME") or "data").resolve()


def federation_root() -> Path:
    """The folder holding one home folder per club ($STRONGSTRIDE_FEDERATION, default ./clubs)."""
    return Path(os.environ.get("STRONGSTRIDE_FEDERATION") or "clubs").resolve()


def smtp_settings() -> SmtpSettings | None:
    """The mail server from STRONGSTRIDE_SMTP_*; None (reminders off) when no host is set."""
    host = os.environ.get("STRONGSTRIDE_SMTP_HOST", "").strip()
    if not host:
        return None
    return SmtpSettings(
        host=host,
        sender=os.environ.get("STRONGSTRIDE_SMTP_FROM", "").strip(),
        port=int(os.environ.get("STRONGSTRIDE_SMTP_PORT") or "587"),
        user=os.environ.get("STRONGSTRIDE_SMTP_USER") or None,
        password=os.environ.get("STRONGSTRIDE_SMTP_PASSWORD") or None,
        security=(os.environ.get("STRONGSTRIDE_SMTP_SECURITY") or "starttls").strip().lower(),
    )


def load_settings(home: str | Path | None = None) -> Settings:
    """Settings for the club at `home`, else $STRONGSTRIDE_HOME, else ./data."""
    return Settings(
        home=club_home(home),
        club_time_zone=os.environ.get("STRONGSTRIDE_CLUB_TZ", "Europe/London"),
        parse_workers=int(os.environ.get("STRONGSTRIDE_WORKERS", "2")),
        smtp=smtp_settings(),
        reminder_cron=os.environ.get("STRONGSTRIDE_REMINDER_CRON") or "0 18 * * 1",
        app_url=(os.environ.get("STRONGSTRIDE_APP_URL") or "").strip().rstrip("/") or None,
    )
