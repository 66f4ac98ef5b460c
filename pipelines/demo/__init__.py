"""The demo-club generator: files exactly as members and a coach would hand them in."""

from pipelines.demo.generate import DEFAULT_END_DATE, DemoSummary, generate_demo_club

__all__ = ["DEFAULT_END_DATE", "DemoSummary", "generate_demo_club"]
