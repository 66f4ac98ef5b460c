"""Member: my strength progress: each exercise's progress over its sessions and weekly sets by exercise group."""

from __future__ import annotations

from dashboard import ui
from dashboard.views import strength_progress

viewer = ui.member_viewer()
ui.page_start(viewer, "My strength progress")
strength_progress.render(viewer)
