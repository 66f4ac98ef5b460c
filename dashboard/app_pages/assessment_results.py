"""Coach: the club's assessments: baselines and re-tests due, latest values against norms, and
changes beyond test noise by adherence band."""

from __future__ import annotations

from dashboard import ui
from dashboard.views import assessment_club

viewer = ui.coach_viewer()
ui.page_start(viewer, "Assessment results")
assessment_club.status(viewer)
assessment_club.latest(viewer)
assessment_club.changes(viewer)
