"""The backend chosen by the database: PostgreSQL full-text search, else SQLite FTS5.

Both backends rank a capped candidate set, never every match: the newest ``candidates``
documents of the scope that match (found in the order of an index, so a word in half the
tickets costs as little as a rare one), ranked exact matches first, then by relevance. When
fewer documents match than the cap the ranking is over all of them and the total is exact;
otherwise the total says "more than" (``Page.more``) instead of counting every match.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import QuerySet

from ventanilla.search import engine_postgres, engine_sqlite
from ventanilla.search.models import SearchDocument
from ventanilla.search.terms import NearWords, Term

Scope = QuerySet[SearchDocument]
Row = tuple[int, float, bool]
# 50 pages of 20: as far as anyone pages through results.
CANDIDATES = 1000


@dataclass(frozen=True)
class Page:
    """One page of ``(document id, score, exact)``; ``total`` is a lower bound when ``more``."""

    rows: list[Row] = field(default_factory=list)
    total: int = 0
    more: bool = False


def near_words() -> NearWords:
    """The backend's lookup of vocabulary words near a typed one."""
    if connection.vendor == "postgresql":
        return engine_postgres.near_words
    return engine_sqlite.near_words


def rank(candidates: list[Row], *, limit: int, offset: int) -> list[Row]:
    """Exact matches first, then by score, newest first on ties: the page asked for."""
    ordered = sorted(candidates, key=lambda r: (not r[2], -r[1], -r[0]))
    return ordered[offset : offset + limit]


def match(
    *,
    terms: list[Term],
    scope: Scope,
    any_term: bool = False,
    limit: int = 20,
    offset: int = 0,
    candidates: int | None = None,
) -> Page:
    """Documents of ``scope`` matching every term (or any): a page of the ranked candidates."""
    if not terms:
        return Page()
    backend = engine_postgres if connection.vendor == "postgresql" else engine_sqlite
    cap = candidates or CANDIDATES
    # One more than the cap: whether more documents match than are ranked.
    found = backend.candidates(terms=terms, scope=scope, any_term=any_term, cap=cap + 1)
    more = len(found) > cap
    if more:
        found = sorted(found, key=lambda r: -r[0])[:cap]
    return Page(rows=rank(found, limit=limit, offset=offset), total=len(found), more=more)
