"""Edges that receive mail (the SMTP listener, ...): each stores bytes with ``ingest_raw``."""
