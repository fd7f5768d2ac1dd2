"""Migrations of the portal app."""
