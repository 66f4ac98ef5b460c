"""Activity files (GPX, TCX, FIT, gzipped, Strava and Garmin exports): bytes in, one ParsedActivity per
activity out."""
