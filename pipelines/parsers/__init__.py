"""Stage 2, parsing: bytes in, typed polars frames out, grouped by input family; pure functions."""
