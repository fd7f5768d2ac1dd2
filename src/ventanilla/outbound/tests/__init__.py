"""Tests of outgoing mail."""
