"""Stage 5, the model graph: SQL models under sql/ and Python statistics models, run with their checks."""
