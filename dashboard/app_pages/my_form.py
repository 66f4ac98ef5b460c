"""Member: my running form: weekly cadence, ground contact and oscillation on easy runs against my
baseline, device changes marked, beside my program phase and adherence."""

from __future__ import annotations

from dashboard import ui
from dashboard.views import form

viewer = ui.member_viewer()
ui.page_start(viewer, "My running form")
form.render(viewer)
