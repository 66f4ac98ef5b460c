"""Activity files (GPX, TCX, FIT, gzipped, Strava exports): bytes in, one ParsedActivity per activity out."""
