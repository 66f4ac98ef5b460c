"""Strength logs (the club's CSV, Strong and Hevy exports): bytes in, validated set rows out."""
