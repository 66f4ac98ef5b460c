"""Stages 1 and 4: archive what arrived and register it; load parsed frames into the staging tables."""
