"""Member: my assessments: each screening test over time with its real-change band and symmetry."""

from __future__ import annotations

from dashboard import ui
from dashboard.views import assessments

viewer = ui.member_viewer()
ui.page_start(viewer, "My assessments")
assessments.render(viewer)
