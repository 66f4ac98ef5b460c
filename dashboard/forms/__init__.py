"""Entry forms: validate what a person entered, then write it as one document (never the warehouse)."""
