"""Assets grouped by source (inbox, club, gps, strength) and by layer (staging, intermediate, marts, publish)."""
