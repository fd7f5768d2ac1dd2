"""The bulk equivalent of ``search reindex`` for the benchmark's millions of rows.

The search app's reindex writes one document at a time through the ORM (a few queries per
ticket): right for an operator's rebuild, hours at a million tickets. This builds the very
same documents (same key, title, body, language, stems, date, words) in ticket-id ranges and
bulk-inserts them, so the database's own indexing work (PostgreSQL's generated ``tsvector``
columns and GIN indexes, SQLite's FTS5 triggers) is what is timed. ``verify`` checks the
claim: it rebuilds a sample through the app's ``search_index_ticket``/``search_index_article``
and compares every field.
"""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

from search_load import Table

RANGE = 20_000


def _ticket_docs(cursor: Any, low: int, high: int, sqlite: bool) -> list[dict[str, Any]]:
    cursor.execute(
        "SELECT t.id, t.number, t.subject, t.language, c.language, c.name, c.email, "
        "t.received_at FROM tickets_ticket t JOIN customers_customer c ON c.id = t.customer_id "
        "WHERE t.id >= %s AND t.id < %s ORDER BY t.id",
        [low, high],
    )
    tickets = cursor.fetchall()
    texts: dict[int, list[str]] = defaultdict(list)
    cursor.execute(
        "SELECT ticket_id, new_text, text FROM tickets_article WHERE ticket_id >= %s "
        "AND ticket_id < %s ORDER BY ticket_id, created_at, id",
        [low, high],
    )
    for ticket_id, new_text, text in cursor.fetchall():
        texts[ticket_id].append(new_text or text)
    tags: dict[int, list[str]] = defaultdict(list)
    cursor.execute(
        "SELECT tt.ticket_id, g.name FROM tickets_ticket_tags tt JOIN tickets_tag g "
        "ON g.id = tt.tag_id WHERE tt.ticket_id >= %s AND tt.ticket_id < %s ORDER BY g.name",
        [low, high],
    )
    for ticket_id, name in cursor.fetchall():
        tags[ticket_id].append(name)
    docs = []
    for pk, number, subject, language, customer_language, name, email, received in tickets:
        parts = [name, email, *tags[pk], *texts[pk]]
        docs.append(
            {
                "key": f"t:{pk}",
                "kind": "ticket",
                "ticket_id": pk,
                "knowledge_id": None,
                "slug": number,
                "language": language or customer_language or "es",
                "title": f"{number} {subject}",
                "body": "\n".join(p for p in parts if p),
                "public": False,
                "date": received,
            }
        )
    return docs


def _knowledge_docs(cursor: Any) -> list[dict[str, Any]]:
    cursor.execute(
        "SELECT id, slug, language, title, body, status, visibility, updated_at "
        "FROM knowledge_knowledgearticle ORDER BY id"
    )
    rows = cursor.fetchall()
    tags: dict[int, list[str]] = defaultdict(list)
    cursor.execute(
        "SELECT a.knowledgearticle_id, g.name FROM knowledge_knowledgearticle_tags a "
        "JOIN tickets_tag g ON g.id = a.tag_id ORDER BY g.name"
    )
    for article_id, name in cursor.fetchall():
        tags[article_id].append(name)
    return [
        {
            "key": f"k:{pk}",
            "kind": "article",
            "ticket_id": None,
            "knowledge_id": pk,
            "slug": slug,
            "language": language or "es",
            "title": title,
            "body": f"{body}\n{' '.join(tags[pk])}".strip(),
            "public": status == "published" and visibility == "public",
            "date": updated,
        }
        for pk, slug, language, title, body, status, visibility, updated in rows
    ]


COLUMNS = (
    "key", "kind", "ticket_id", "knowledge_id", "slug", "language", "title", "body",
    "stem_title", "stem_body", "public", "date",
)  # fmt: skip


def bulk_reindex(progress: Any = print) -> int:
    """Write every ticket's and knowledge article's document and the vocabulary; return count."""
    from django.db import connection, transaction

    from ventanilla.search.indexing import MAX_BODY, MAX_WORD
    from ventanilla.search.models import SearchDocument, SearchWord
    from ventanilla.search.text import stemmed, words

    sqlite = connection.vendor == "sqlite"
    documents = Table(SearchDocument, COLUMNS, connection.vendor)
    vocabulary: set[str] = set()
    written = 0

    def rows(docs: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        out = []
        for doc in docs:
            body = doc["body"][:MAX_BODY]
            vocabulary.update(
                w
                for w in words(f"{doc['title']}\n{body}")
                if 3 <= len(w) <= MAX_WORD and not w.isdigit()
            )
            stems = (
                (stemmed(doc["title"], doc["language"]), stemmed(body, doc["language"]))
                if sqlite else ("", "")
            )  # fmt: skip
            out.append(
                (doc["key"], doc["kind"], doc["ticket_id"], doc["knowledge_id"], doc["slug"],
                 doc["language"], doc["title"], body, *stems, doc["public"], doc["date"])
            )  # fmt: skip
        return out

    with transaction.atomic(), connection.cursor() as cursor:
        rebuild = _drop_fulltext_indexes(cursor) if not sqlite else []
        cursor.execute("SELECT COALESCE(max(id), 0) FROM tickets_ticket")
        top = cursor.fetchone()[0]
        for low in range(1, top + 1, RANGE):
            written += documents.load(
                connection, rows(_ticket_docs(cursor, low, low + RANGE, sqlite))
            )
            progress(f"  {written} documents written")
        written += documents.load(connection, rows(_knowledge_docs(cursor)))
        if rebuild:
            # The COPY left deferred foreign-key checks pending, and PostgreSQL builds no
            # index on a table with pending trigger events: run the checks now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for definition in rebuild:
            cursor.execute(definition)
        SearchWord.objects.bulk_create(
            (SearchWord(word=w) for w in sorted(vocabulary)), batch_size=5000, ignore_conflicts=True
        )
    return written


def _drop_fulltext_indexes(cursor: Any) -> list[str]:
    """Drop the GIN indexes of the documents table; return their definitions to rebuild.

    Building a GIN index once over a million rows is many times faster than growing it row by
    row during the COPY (the usual bulk-load practice); the same definitions, read from
    ``pg_indexes``, are created again in the same transaction, and that build is timed too.
    """
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_searchdocument' "
        "AND indexdef ILIKE '%% USING gin %%'"
    )
    found = cursor.fetchall()
    for name, _ in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in found]


def verify(sample: int = 200) -> dict[str, Any]:
    """Rebuild ``sample`` documents through the search app itself; count differing fields."""
    from django.db import transaction

    from ventanilla.search.indexing import search_index_article, search_index_ticket
    from ventanilla.search.models import SearchDocument

    fields = ("kind", "ticket_id", "knowledge_id", "slug", "language", "title", "body",
              "stem_title", "stem_body", "public", "date")  # fmt: skip
    docs = list(SearchDocument.objects.order_by("?")[:sample])
    before = {d.key: tuple(getattr(d, f) for f in fields) for d in docs}
    differing = []
    started = time.perf_counter()
    with transaction.atomic():
        for doc in docs:
            if doc.ticket_id is not None:
                search_index_ticket(ticket_id=doc.ticket_id)
            else:
                search_index_article(article_id=doc.knowledge_id)
        seconds = time.perf_counter() - started
        after = SearchDocument.objects.filter(key__in=list(before))
        for doc in after:
            now = tuple(getattr(doc, f) for f in fields)
            if now != before[doc.key]:
                differing.append(
                    {
                        "key": doc.key,
                        "fields": [
                            f
                            for f, a, b in zip(fields, before[doc.key], now, strict=True)
                            if a != b
                        ],
                    }
                )
    return {
        "checked": len(before),
        "differing": len(differing),
        "examples": differing[:5],
        "app_ms_per_document": round(seconds * 1000 / max(1, len(before)), 2),
    }
