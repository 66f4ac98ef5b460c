"""The ingest assets (inbox, club, gps, strength), the model-graph multi-asset and the serving file."""
