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


def match(
    *, terms: list[Term], scope: QuerySet[SearchDocument], any_term: bool, limit: int, offset: int
) -> tuple[list[Row], int]:
    """Return one page of ``(document id, score, exact)`` and the total, best first."""
    text = _tsquery(terms, any_term)
    exact = " & ".join(t.typed for t in terms)
    compiled = scope_sql(scope)
    if compiled is None:
        return [], 0
    sql_scope, scope_params = compiled
    head = (
        "WITH q AS (SELECT to_tsquery('ventanilla_es', %s) AS es, "
        "to_tsquery('ventanilla_en', %s) AS en, to_tsquery('simple', %s) AS ex) "
    )
    where = (
        "((d.language = 'en' AND d.vec @@ q.en) OR (d.language <> 'en' AND d.vec @@ q.es)) "
        f"AND d.id IN ({sql_scope})"
    )
    sql = (
        head + "SELECT d.id, ts_rank(d.vec, CASE WHEN d.language = 'en' THEN q.en "  # noqa: S608 - values are parameters
        "ELSE q.es END) AS score, d.vec_exact @@ q.ex AS exact "
        f"FROM search_searchdocument d, q WHERE {where} "
        "ORDER BY exact DESC, score DESC, d.id DESC LIMIT %s OFFSET %s"
    )
    params = [text, text, exact]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *scope_params, limit, offset])
        rows = [(int(r[0]), float(r[1]), bool(r[2])) for r in cursor.fetchall()]
        count = head + f"SELECT count(*) FROM search_searchdocument d, q WHERE {where}"  # noqa: S608
        cursor.execute(count, [*params, *scope_params])
        total = int(cursor.fetchone()[0])
    return rows, total
