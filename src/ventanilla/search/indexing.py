"""Writes of the index: a ticket's or an article's document and its words.

Called by the listeners (``listeners.py``) inside the transaction that changed the ticket or
the article, so the index never disagrees with what was committed. The documents are built
by ``ticket_document``/``article_document``, which the full rebuild (``reindex.py``) shares.
"""

from __future__ import annotations

from django.db import connection, transaction

from ventanilla.knowledge.models import ArticleStatus, KnowledgeArticle
from ventanilla.search.models import DocumentKind, SearchDocument, SearchWord
from ventanilla.search.text import stemmed, words
from ventanilla.tickets.models import Article, Ticket

# A tsvector holds at most 1 MB; a ticket's text beyond this is not searchable (its start is).
MAX_BODY = 400_000
MAX_WORD = 40


def vocabulary(text: str) -> set[str]:
    """The words of ``text`` the vocabulary keeps (typos are corrected against them)."""
    return {w for w in words(text) if 3 <= len(w) <= MAX_WORD and not w.isdigit()}


def remember_words(found: set[str]) -> None:
    """Add the words of ``found`` the vocabulary does not know yet."""
    if not found:
        return
    ordered = sorted(found)
    known: set[str] = set()
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        known.update(SearchWord.objects.filter(word__in=chunk).values_list("word", flat=True))
    new = [SearchWord(word=w) for w in ordered if w not in known]
    SearchWord.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)


def stem_document(doc: SearchDocument) -> None:
    """Fill the stemmed columns SQLite's full-text table reads (PostgreSQL stems itself)."""
    if connection.vendor == "sqlite":
        doc.stem_title = stemmed(doc.title, doc.language)
        doc.stem_body = stemmed(doc.body, doc.language)


def _save(doc: SearchDocument) -> None:
    stem_document(doc)
    existing = SearchDocument.objects.filter(key=doc.key).values_list("pk", flat=True).first()
    doc.pk = existing
    doc.save(force_insert=existing is None)
    remember_words(vocabulary(f"{doc.title}\n{doc.body}"))


def ticket_document(ticket: Ticket, *, tags: list[str], texts: list[str]) -> SearchDocument:
    """The unsaved document of ``ticket`` (its customer loaded), its tag names and texts."""
    customer = ticket.customer
    parts = [customer.name, customer.email, *tags, *texts]
    return SearchDocument(
        key=f"t:{ticket.pk}",
        kind=DocumentKind.TICKET,
        ticket=ticket,
        slug=ticket.number,
        language=ticket.language or customer.language or "es",
        title=f"{ticket.number} {ticket.subject}",
        body="\n".join(p for p in parts if p)[:MAX_BODY],
        date=ticket.received_at,
    )


@transaction.atomic
def search_index_ticket(*, ticket_id: int) -> None:
    """Write (or drop, when the ticket is gone) the document of ticket ``ticket_id``."""
    ticket = Ticket.objects.select_related("customer").filter(pk=ticket_id).first()
    if ticket is None:
        SearchDocument.objects.filter(key=f"t:{ticket_id}").delete()
        return
    articles = Article.objects.filter(ticket=ticket).order_by("created_at", "pk")
    texts = [a.new_text or a.text for a in articles.only("text", "new_text")]
    tags = list(ticket.tags.order_by("name").values_list("name", flat=True))
    _save(ticket_document(ticket, tags=tags, texts=texts))


def article_document(article: KnowledgeArticle, *, tags: list[str]) -> SearchDocument:
    """The unsaved document of knowledge ``article`` with its tag names."""
    return SearchDocument(
        key=f"k:{article.pk}",
        kind=DocumentKind.ARTICLE,
        knowledge_id=article.pk,
        slug=article.slug,
        language=article.language or "es",
        title=article.title,
        body=f"{article.body}\n{' '.join(tags)}".strip()[:MAX_BODY],
        public=article.is_public,
        published=article.status == ArticleStatus.PUBLISHED,
        date=article.updated_at,
    )


@transaction.atomic
def search_index_article(*, article_id: int) -> None:
    """Write (or drop, when the article is gone) the document of knowledge ``article_id``."""
    article = KnowledgeArticle.objects.filter(pk=article_id).first()
    if article is None:
        SearchDocument.objects.filter(key=f"k:{article_id}").delete()
        return
    _save(article_document(article, tags=[t.name for t in article.tags.all()]))
