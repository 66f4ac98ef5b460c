"""Coach: running form: members with persistent ground contact asymmetry (linked to Assessments) and
any member's running-form charts."""

from __future__ import annotations

from dashboard import ui
from dashboard.views import form_club

viewer = ui.coach_viewer()
ui.page_start(
    viewer,
    "Running form",
    "How members run, from their watches: cadence, ground contact and vertical oscillation on easy "
    "runs against each member's own baseline.",
)
form_club.asymmetry(viewer)
form_club.member_form(viewer)
