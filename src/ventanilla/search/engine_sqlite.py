"""SQLite FTS5 backend: stemmed folded matches, exact matches first, trigram typo lookup."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from ventanilla.search.models import SearchDocument
from ventanilla.search.sql import scope_sql
from ventanilla.search.terms import Term
from ventanilla.search.text import stems

Row = tuple[int, float, bool]


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _stem_group(term: Term) -> str:
    forms = sorted({s for v in term.variants for s in stems(v)})
    return "(" + " OR ".join(_quote(f) for f in forms) + ")"


def near_words(word: str) -> list[str]:
    """Vocabulary words sharing trigrams with ``word``, most shared first."""
    grams = sorted({word[i : i + 3] for i in range(len(word) - 2)})
    if not grams:
        return []
    match = " OR ".join(_quote(g) for g in grams)
    sql = (
        "SELECT word FROM search_word_trgm WHERE search_word_trgm MATCH %s "
        "AND length(word) BETWEEN %s AND %s ORDER BY rank LIMIT 60"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [match, len(word) - 2, len(word) + 2])
        return [r[0] for r in cursor.fetchall()]


def candidates(
    *, terms: list[Term], scope: QuerySet[SearchDocument], any_term: bool, cap: int
) -> list[Row]:
    """The newest ``cap`` matches of ``scope``: ``(document id, score, exact)``, unordered.

    FTS5 walks its doclists in rowid order, so ``ORDER BY rowid DESC LIMIT`` stops after
    ``cap`` documents in scope; BM25 is computed for those only. The scope is checked per
    match by primary key (a correlated EXISTS), never listed whole.
    """
    compiled = scope_sql(scope, correlate="search_fts_stem.rowid")
    if compiled is None:
        return []
    sql_scope, scope_params = compiled
    stem_q = (" OR " if any_term else " AND ").join(_stem_group(t) for t in terms)
    sql = (
        "SELECT rowid, -bm25(search_fts_stem, 4.0, 1.0) FROM search_fts_stem "  # noqa: S608 - values are parameters
        f"WHERE search_fts_stem MATCH %s AND EXISTS ({sql_scope}) ORDER BY rowid DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [stem_q, *scope_params, cap])
        found = [(int(r[0]), float(r[1])) for r in cursor.fetchall()]
        if not found:
            return []
        # Exact matches among the candidates: the exact index from the oldest candidate on.
        cursor.execute(
            "SELECT rowid FROM search_fts_exact WHERE search_fts_exact MATCH %s AND rowid >= %s",
            [" AND ".join(_quote(t.typed) for t in terms), found[-1][0]],
        )
        exact = {int(r[0]) for r in cursor.fetchall()}
    return [(pk, score, pk in exact) for pk, score in found]
