"""PostgreSQL backend: tsvector per document language (unaccent + snowball), pg_trgm typos."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from ventanilla.search.models import SearchDocument
from ventanilla.search.sql import scope_sql
from ventanilla.search.terms import Term

Row = tuple[int, float, bool]


def near_words(word: str) -> list[str]:
    """Vocabulary words similar to ``word`` by trigrams (the GIN ``gin_trgm_ops`` index)."""
    sql = (
        "SELECT word FROM search_searchword WHERE word %% %s "
        "ORDER BY similarity(word, %s) DESC LIMIT 60"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [word, word])
        return [r[0] for r in cursor.fetchall()]


def _tsquery(terms: list[Term], any_term: bool) -> str:
    # Words are runs of letters and digits (text.WORD_RE): nothing to_tsquery would parse.
    groups = ["(" + " | ".join(t.variants) + ")" for t in terms]
    return (" | " if any_term else " & ").join(groups)


# The queries are written inline (not in a CTE) so the planner sees them and estimates how
# many documents match from the column statistics: a common word is then read newest first
# along the primary key until enough are found, a rare one through the GIN index.
_MATCHES = (
    "((d.language = 'en' AND d.vec @@ to_tsquery('ventanilla_en', %s)) "
    "OR (d.language <> 'en' AND d.vec @@ to_tsquery('ventanilla_es', %s)))"
)
_RANKED = (
    "SELECT d.id, ts_rank(d.vec, CASE WHEN d.language = 'en' "
    "THEN to_tsquery('ventanilla_en', %s) ELSE to_tsquery('ventanilla_es', %s) END), "
    "d.vec_exact @@ to_tsquery('simple', %s) "
    "FROM search_searchdocument d WHERE d.id IN ({candidates})"
)


def candidates(
    *, terms: list[Term], scope: QuerySet[SearchDocument], any_term: bool, cap: int
) -> list[Row]:
    """The newest ``cap`` matches of ``scope``: ``(document id, score, exact)``, unordered.

    ``ts_rank`` reads a document's whole vector, so it runs on the candidates only.
    """
    compiled = scope_sql(scope)
    if compiled is None:
        return []
    sql_scope, scope_params = compiled
    text = _tsquery(terms, any_term)
    exact = " & ".join(t.typed for t in terms)
    newest = (
        f"SELECT d.id FROM search_searchdocument d WHERE {_MATCHES} "  # noqa: S608 - values are parameters
        f"AND d.id IN ({sql_scope}) ORDER BY d.id DESC LIMIT %s"
    )
    sql = _RANKED.format(candidates=newest)
    with connection.cursor() as cursor:
        cursor.execute(sql, [text, text, exact, text, text, *scope_params, cap])
        return [(int(r[0]), float(r[1]), bool(r[2])) for r in cursor.fetchall()]
