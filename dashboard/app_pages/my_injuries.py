"""Member: injuries in the coach's log and weekly OSTRC health check-ins."""

from __future__ import annotations

from dashboard import ui
from dashboard.views import health

viewer = ui.member_viewer()
ui.page_start(viewer, "My health check-ins")
health.render(viewer)
