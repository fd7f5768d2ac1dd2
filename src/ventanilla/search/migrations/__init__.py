"""Migrations of the search index (FTS5 tables on SQLite, tsvector and trigram indexes on PostgreSQL)."""
