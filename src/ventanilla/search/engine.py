"""The backend chosen by the database: PostgreSQL full-text search, else SQLite FTS5."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from ventanilla.search import engine_postgres, engine_sqlite
from ventanilla.search.models import SearchDocument
from ventanilla.search.terms import NearWords, Term

Scope = QuerySet[SearchDocument]
Row = tuple[int, float, bool]


def near_words() -> NearWords:
    """The backend's lookup of vocabulary words near a typed one."""
    if connection.vendor == "postgresql":
        return engine_postgres.near_words
    return engine_sqlite.near_words


def match(
    *, terms: list[Term], scope: Scope, any_term: bool = False, limit: int = 20, offset: int = 0
) -> tuple[list[Row], int]:
    """Documents of ``scope`` matching every term (or any): a page, total."""
    if not terms:
        return [], 0
    if connection.vendor == "postgresql":
        return engine_postgres.match(
            terms=terms, scope=scope, any_term=any_term, limit=limit, offset=offset
        )
    return engine_sqlite.match(
        terms=terms, scope=scope, any_term=any_term, limit=limit, offset=offset
    )
