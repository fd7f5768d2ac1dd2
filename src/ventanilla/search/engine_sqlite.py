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


def match(
    *, terms: list[Term], scope: QuerySet[SearchDocument], any_term: bool, limit: int, offset: int
) -> tuple[list[Row], int]:
    """Return one page of ``(document id, score, exact)`` and the total, best first."""
    stem_q = (" OR " if any_term else " AND ").join(_stem_group(t) for t in terms)
    exact_q = " AND ".join(_quote(t.typed) for t in terms)
    compiled = scope_sql(scope, correlate="search_fts_stem.rowid")
    if compiled is None:
        return [], 0
    sql_scope, scope_params = compiled
    where = f"search_fts_stem MATCH %s AND EXISTS ({sql_scope})"
    sql = (
        "SELECT search_fts_stem.rowid, -bm25(search_fts_stem, 4.0, 1.0) AS score, "  # noqa: S608 - values are parameters
        "search_fts_stem.rowid IN (SELECT rowid FROM search_fts_exact "
        f"WHERE search_fts_exact MATCH %s) AS exact FROM search_fts_stem WHERE {where} "
        "ORDER BY exact DESC, score DESC, search_fts_stem.rowid DESC LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [exact_q, stem_q, *scope_params, limit, offset])
        rows = [(int(r[0]), float(r[1]), bool(r[2])) for r in cursor.fetchall()]
        cursor.execute(
            f"SELECT count(*) FROM search_fts_stem WHERE {where}",  # noqa: S608
            [stem_q, *scope_params],
        )
        total = int(cursor.fetchone()[0])
    return rows, total
