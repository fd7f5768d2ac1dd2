"""Migrations of the stored embeddings."""
