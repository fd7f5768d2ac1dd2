"""Tests of the agent workspace."""
