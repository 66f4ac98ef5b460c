"""Stage 3, the activity: one parsed activity -> its cleaned samples, per-run figures, local calendar and row."""
