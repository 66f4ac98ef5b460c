"""Member: weekly running, pace and efficiency trends in plain words, best efforts, fitness and fatigue."""

from __future__ import annotations

from dashboard import ui
from dashboard.views import running

viewer = ui.member_viewer()
ui.page_start(viewer, "My running")
running.render(viewer)
