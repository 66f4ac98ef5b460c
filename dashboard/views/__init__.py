"""Sections of one athlete's view, render(viewer, key), shared by member pages and the Athlete page."""
