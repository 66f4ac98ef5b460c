"""Coach (or physio with the coach role): record a member's assessment session, or correct one."""

from __future__ import annotations

from dashboard import ui
from dashboard.views import assessment_entry

viewer = ui.coach_viewer()
ui.page_start(
    viewer,
    "Assessments",
    "Record a member's screening tests: every value is checked against the club's test catalogue "
    "before anything is saved.",
)
assessment_entry.render(viewer)
