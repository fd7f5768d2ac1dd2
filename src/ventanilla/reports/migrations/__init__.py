"""Migrations of the reports app."""
