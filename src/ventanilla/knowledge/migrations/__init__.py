"""Migrations of the knowledge app."""
