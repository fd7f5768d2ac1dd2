"""The full rebuild of the index (``ventanilla search reindex``), set by set.

Tickets are read in id ranges with a handful of queries per range (their customers, texts and
tags together), and each range's documents are replaced in one statement per batch, keeping
each document's id. The documents are the ones ``indexing`` writes for a single change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.db import transaction

from ventanilla.knowledge.models import KnowledgeArticle
from ventanilla.search.indexing import (
    article_document,
    remember_words,
    stem_document,
    ticket_document,
    vocabulary,
)
from ventanilla.search.models import DocumentKind, SearchDocument
from ventanilla.tickets.models import Article, Ticket

RANGE = 1000
Progress = Callable[[int, int], None]


def _replace(docs: list[SearchDocument]) -> None:
    """Write ``docs`` in place of the documents with their keys (same ids), and their words."""
    existing = dict(
        SearchDocument.objects.filter(key__in=[d.key for d in docs]).values_list("key", "pk")
    )
    words: set[str] = set()
    for doc in docs:
        doc.pk = existing.get(doc.key)
        stem_document(doc)
        words |= vocabulary(f"{doc.title}\n{doc.body}")
    SearchDocument.objects.filter(pk__in=list(existing.values())).delete()
    SearchDocument.objects.bulk_create(docs, batch_size=200)
    remember_words(words)


def _ticket_range(ids: list[int]) -> None:
    tickets = Ticket.objects.filter(pk__in=ids).select_related("customer").order_by("pk")
    texts: dict[int, list[str]] = defaultdict(list)
    articles = Article.objects.filter(ticket_id__in=ids).order_by("ticket_id", "created_at", "pk")
    for ticket_id, new_text, text in articles.values_list("ticket_id", "new_text", "text"):
        texts[ticket_id].append(new_text or text)
    tags: dict[int, list[str]] = defaultdict(list)
    through = Ticket.tags.through.objects.filter(ticket_id__in=ids).order_by("tag__name")
    for ticket_id, name in through.values_list("ticket_id", "tag__name"):
        tags[ticket_id].append(name)
    _replace([ticket_document(t, tags=tags[t.pk], texts=texts[t.pk]) for t in tickets])


def _articles() -> int:
    articles = list(KnowledgeArticle.objects.prefetch_related("tags").order_by("pk"))
    _replace([article_document(a, tags=[t.name for t in a.tags.all()]) for a in articles])
    return len(articles)


def search_reindex(*, progress: Progress | None = None) -> int:
    """Rebuild every document (one transaction per range); return how many were written.

    Idempotent: documents are rewritten in place by key, and those whose object is gone
    are dropped.
    """
    ticket_ids = list(Ticket.objects.order_by("pk").values_list("pk", flat=True))
    total = len(ticket_ids) + KnowledgeArticle.objects.count()
    done = 0
    for start in range(0, len(ticket_ids), RANGE):
        chunk = ticket_ids[start : start + RANGE]
        with transaction.atomic():
            _ticket_range(chunk)
        done += len(chunk)
        if progress:
            progress(done, total)
    with transaction.atomic():
        done += _articles()
        # A ticket's document goes with its ticket (a foreign key); an article's is by id.
        SearchDocument.objects.filter(kind=DocumentKind.ARTICLE).exclude(
            knowledge_id__in=KnowledgeArticle.objects.values("pk")
        ).delete()
    if progress:
        progress(done, total)
    return done
