"""Member: this week's OSTRC health check-in."""

from __future__ import annotations

from dashboard import ui
from dashboard.views import checkin

viewer = ui.member_viewer()
ui.page_start(viewer, "Weekly check-in")
checkin.render(viewer)
