"""Migrations of the agents app."""
