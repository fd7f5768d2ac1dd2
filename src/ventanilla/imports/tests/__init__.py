"""Tests of the archive import."""
