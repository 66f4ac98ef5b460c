"""One flat script per page, layout only; the sections pages share live in dashboard.views."""
