"""Edges that receive mail (SMTP listener, ...): each stores bytes with ``ingest_raw`` and answers."""
