"""Who is looking: built only from an authenticated session, never from a widget or URL value."""

from __future__ import annotations

from dataclasses import dataclass, replace

from dashboard.accounts.auth import ATHLETE_ID_PATTERN
from dashboard.accounts.sessions import Session


@dataclass(frozen=True)
class Viewer:
    """The logged-in person; a coach may pick a subject athlete, a member is always their own."""

    username: str
    role: str
    athlete_id: str | None
    subject_athlete_id: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ("coach", "member"):
            raise ValueError(f"unknown role {self.role!r}")
        if self.role == "member" and not (
            self.athlete_id and ATHLETE_ID_PATTERN.match(self.athlete_id)
        ):
            raise ValueError("a member viewer needs a valid athlete_id")

    @property
    def is_coach(self) -> bool:
        return self.role == "coach"

    @property
    def athlete_in_view(self) -> str | None:
        """The athlete whose rows member views show: a member's own, or the coach's chosen one."""
        return self.subject_athlete_id if self.is_coach else self.athlete_id

    def viewing(self, athlete_id: str | None) -> Viewer:
        """This viewer looking at `athlete_id`; a member's choice is ignored (they see only themselves)."""
        if not self.is_coach:
            return self
        return replace(self, subject_athlete_id=athlete_id)


def viewer_from_session(session: Session) -> Viewer:
    """The Viewer for an authenticated session."""
    return Viewer(session.username, session.role, session.athlete_id)
