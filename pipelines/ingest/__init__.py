"""Ingestion: archive what arrived, parse it, load it into the warehouse staging tables."""
