"""One file per page: widgets and layout only (member pages expose render(viewer, key) for reuse)."""
