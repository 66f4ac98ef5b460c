"""Coach: who answered this week's check-in, the problems to follow up, and their classification."""

from __future__ import annotations

from dashboard import ui
from dashboard.views import followup

viewer = ui.coach_viewer()
ui.page_start(viewer, "Follow-up")
followup.checkins(viewer)
followup.queue(viewer)
followup.classified(viewer)
