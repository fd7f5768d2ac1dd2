"""Tests of ingest and the intake edges."""
