"""Member: the strength program: current phase, what is due this week, and the adherence calendar."""

from __future__ import annotations

from dashboard import ui
from dashboard.views import strength_program

viewer = ui.member_viewer()
ui.page_start(viewer, "My strength program")
strength_program.render(viewer)
