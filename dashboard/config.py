"""The dashboard's own settings (sessions, cookie, lockout, cache); the home layout and the thresholds come
from pipelines.settings. With that module, the only place reading os.environ."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.settings import HomeLayout, Thresholds, club_home

# Query results stay cached this long even when the serving file does not change.
CACHE_TTL_SECONDS = 600
UPLOAD_EXTENSIONS = ("gpx", "tcx", "fit", "gz", "zip", "csv")


@dataclass(frozen=True)
class LockoutPolicy:
    """How repeated failed log-ins are slowed down and then locked, per account and per client."""

    max_account_failures: int = 5
    max_client_failures: int = 20
    lock_seconds: float = 15 * 60
    base_delay_seconds: float = 1.0
    max_delay_seconds: float = 60.0
    # Failures older than this are forgotten; longer than the lock so a lock is not a reset.
    failure_window_seconds: float = 60 * 60


@dataclass(frozen=True)
class MetricSettings:
    """Pipeline choices shown next to the numbers they change; the serving file's own values win.

    The defaults are the pipeline's own (Thresholds), for a serving file that does not carry them.
    """

    adherence_high: float = Thresholds.adherence_high
    adherence_medium: float = Thresholds.adherence_medium
    adherence_lag_weeks: int = Thresholds.adherence_lag_weeks
    acwr_spike: float = Thresholds.acwr_spike
    acwr_seed_days: int = Thresholds.acwr_seed_days
    acwr_min_history_days: int = Thresholds.acwr_min_history_days
    ctl_days: int = Thresholds.ctl_days
    atl_days: int = Thresholds.atl_days
    trend_recent_weeks: int = Thresholds.trend_recent_weeks
    form_asymmetry_points: float = Thresholds.form_asymmetry_points
    form_asymmetry_weeks: int = Thresholds.form_asymmetry_weeks
    strength_e1rm_max_reps: int = Thresholds.strength_e1rm_max_reps
    strength_flat_sessions: int = Thresholds.strength_flat_sessions
    strength_regress_drop: float = Thresholds.strength_regress_drop
    strength_recent_sessions: int = Thresholds.strength_recent_sessions
    strength_ready_max_rpe: float = Thresholds.strength_ready_max_rpe


@dataclass(frozen=True)
class DashboardConfig:
    """One club's dashboard: where it reads, where members upload, and how log-ins behave."""

    home: Path
    session_idle_seconds: float = 8 * 3600
    session_max_seconds: float = 24 * 3600
    max_upload_mb: int = Thresholds.max_upload_mb
    min_password_length: int = 10
    cookie_secure: str = "auto"  # auto (when served over https) | always | never
    trusted_proxy_header: str | None = None  # e.g. X-Forwarded-For, set only behind a proxy
    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")
    lockout: LockoutPolicy = field(default_factory=LockoutPolicy)
    metric_defaults: MetricSettings = field(default_factory=MetricSettings)

    @property
    def layout(self) -> HomeLayout:
        return HomeLayout(self.home)

    @property
    def serving_file(self) -> Path:
        return self.layout.serving

    @property
    def accounts_file(self) -> Path:
        return self.layout.accounts

    @property
    def inbox(self) -> Path:
        return self.layout.inbox

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024


def load_config(home: str | Path | None = None) -> DashboardConfig:
    """Settings for the club at `home`, else $STRONGSTRIDE_HOME, else ./data."""
    return DashboardConfig(
        home=club_home(home),
        session_idle_seconds=float(os.environ.get("STRONGSTRIDE_SESSION_IDLE_HOURS", "8")) * 3600,
        max_upload_mb=int(
            os.environ.get("STRONGSTRIDE_MAX_UPLOAD_MB", str(Thresholds.max_upload_mb))
        ),
        cookie_secure=os.environ.get("STRONGSTRIDE_COOKIE_SECURE", "auto"),
        trusted_proxy_header=os.environ.get("STRONGSTRIDE_TRUSTED_PROXY_HEADER") or None,
        trusted_proxies=tuple(
            os.environ.get("STRONGSTRIDE_TRUSTED_PROXIES", "127.0.0.1,::1").split(",")
        ),
    )
