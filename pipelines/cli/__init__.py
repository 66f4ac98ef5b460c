"""The `strongstride` command: the only code that imports both the pipelines and the dashboard."""
