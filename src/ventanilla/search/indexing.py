"""Writes of the index: a ticket's or an article's document, its words, the full rebuild.

Called by the listeners (``listeners.py``) inside the transaction that changed the ticket or
the article, so the index never disagrees with what was committed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import connection, transaction

from ventanilla.knowledge.models import ArticleStatus, KnowledgeArticle
from ventanilla.search.models import DocumentKind, SearchDocument, SearchWord
from ventanilla.search.text import stemmed, words
from ventanilla.tickets.models import Article, Ticket

# A tsvector holds at most 1 MB; a ticket's text beyond this is not searchable (its start is).
MAX_BODY = 400_000
MAX_WORD = 40


def _remember_words(text: str) -> None:
    """Add the new words of ``text`` to the vocabulary typos are corrected against."""
    found = {w for w in words(text) if 3 <= len(w) <= MAX_WORD and not w.isdigit()}
    if not found:
        return
    ordered = sorted(found)
    known: set[str] = set()
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        known.update(SearchWord.objects.filter(word__in=chunk).values_list("word", flat=True))
    new = [SearchWord(word=w) for w in ordered if w not in known]
    SearchWord.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)


def _save(doc: SearchDocument) -> None:
    doc.body = doc.body[:MAX_BODY]
    if connection.vendor == "sqlite":
        doc.stem_title = stemmed(doc.title, doc.language)
        doc.stem_body = stemmed(doc.body, doc.language)
    existing = SearchDocument.objects.filter(key=doc.key).values_list("pk", flat=True).first()
    doc.pk = existing
    doc.save(force_insert=existing is None)
    _remember_words(f"{doc.title}\n{doc.body}")


def _ticket_body(ticket: Ticket) -> str:
    customer = ticket.customer
    texts = Article.objects.filter(ticket=ticket).order_by("created_at", "pk")
    parts = [customer.name, customer.email]
    parts += [t.name for t in ticket.tags.all()]
    parts += [a.new_text or a.text for a in texts.only("text", "new_text")]
    return "\n".join(p for p in parts if p)


@transaction.atomic
def search_index_ticket(*, ticket_id: int) -> None:
    """Write (or drop, when the ticket is gone) the document of ticket ``ticket_id``."""
    ticket = Ticket.objects.select_related("customer").filter(pk=ticket_id).first()
    if ticket is None:
        SearchDocument.objects.filter(key=f"t:{ticket_id}").delete()
        return
    doc = SearchDocument(
        key=f"t:{ticket.pk}",
        kind=DocumentKind.TICKET,
        ticket=ticket,
        slug=ticket.number,
        language=ticket.language or ticket.customer.language or "es",
        title=f"{ticket.number} {ticket.subject}",
        body=_ticket_body(ticket),
        date=ticket.received_at,
    )
    _save(doc)


@transaction.atomic
def search_index_article(*, article_id: int) -> None:
    """Write (or drop, when the article is gone) the document of knowledge ``article_id``."""
    article = KnowledgeArticle.objects.filter(pk=article_id).first()
    if article is None:
        SearchDocument.objects.filter(key=f"k:{article_id}").delete()
        return
    tags = " ".join(t.name for t in article.tags.all())
    doc = SearchDocument(
        key=f"k:{article.pk}",
        kind=DocumentKind.ARTICLE,
        knowledge_id=article.pk,
        slug=article.slug,
        language=article.language or "es",
        title=article.title,
        body=f"{article.body}\n{tags}".strip(),
        public=article.is_public,
        published=article.status == ArticleStatus.PUBLISHED,
        date=article.updated_at,
    )
    _save(doc)


def search_reindex(*, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild every document (one transaction per batch); return how many were written.

    Idempotent: documents are rewritten in place by key, and those whose object is gone
    are dropped.
    """
    ticket_ids = list(Ticket.objects.order_by("pk").values_list("pk", flat=True))
    article_ids = list(KnowledgeArticle.objects.order_by("pk").values_list("pk", flat=True))
    total = len(ticket_ids) + len(article_ids)
    done = 0
    jobs: list[tuple[Callable[..., None], Iterable[int], str]] = [
        (search_index_ticket, ticket_ids, "ticket_id"),
        (search_index_article, article_ids, "article_id"),
    ]
    for index, ids, name in jobs:
        batch = list(ids)
        for start in range(0, len(batch), 200):
            with transaction.atomic():
                for pk in batch[start : start + 200]:
                    index(**{name: pk})
            done += len(batch[start : start + 200])
            if progress:
                progress(done, total)
    _drop_orphans(set(ticket_ids), set(article_ids))
    return total


@transaction.atomic
def _drop_orphans(ticket_ids: set[int], article_ids: set[int]) -> None:
    docs = SearchDocument.objects.values_list("pk", "ticket_id", "knowledge_id")
    gone = [
        pk
        for pk, ticket_id, knowledge_id in docs
        if ticket_id not in ticket_ids and knowledge_id not in article_ids
    ]
    SearchDocument.objects.filter(pk__in=gone).delete()
