"""Keep the index in step: Django's signals of tickets, articles, tags, customers, knowledge.

Every listener runs inside the transaction of the change it hears about, so the index is
committed (or rolled back) with it. Writes that bypass ``save()`` (``QuerySet.update``, as a
merge moves articles) are announced by ``tickets.signals.ticket_changed``.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from ventanilla.customers.models import Customer
from ventanilla.knowledge.models import KnowledgeArticle
from ventanilla.search.indexing import search_index_article, search_index_ticket
from ventanilla.tickets.models import Article, Ticket
from ventanilla.tickets.signals import ticket_changed

# A ticket saved with only these fields changed keeps the same document (status, SLA...).
TICKET_TEXT_FIELDS = frozenset({"number", "subject", "customer", "customer_id", "language"})
# The customer's columns a ticket's document holds.
CUSTOMER_FIELDS = frozenset({"name", "email", "language"})


def _ticket_saved(sender: Any, instance: Ticket, update_fields: Any = None, **kw: Any) -> None:
    if update_fields is not None and not (set(update_fields) & TICKET_TEXT_FIELDS):
        return
    search_index_ticket(ticket_id=instance.pk)


def _article_changed(sender: Any, instance: Article, **kw: Any) -> None:
    # Deleting a ticket cascades to its articles first: its document goes with it.
    origin = kw.get("origin")
    if isinstance(origin, Ticket) or getattr(origin, "model", None) is Ticket:
        return
    search_index_ticket(ticket_id=instance.ticket_id)


def _ticket_tags_changed(sender: Any, instance: Any, action: str, **kw: Any) -> None:
    if not action.startswith("post_"):
        return
    if isinstance(instance, Ticket):
        search_index_ticket(ticket_id=instance.pk)
    else:  # reverse side: a tag's tickets changed
        for pk in kw.get("pk_set") or ():
            search_index_ticket(ticket_id=pk)


def _customer_saved(
    sender: Any, instance: Customer, created: bool = False, update_fields: Any = None, **kw: Any
) -> None:
    # A new customer has no tickets yet; other columns (flags, portal links) are not indexed.
    if created or (update_fields is not None and not set(update_fields) & CUSTOMER_FIELDS):
        return
    for pk in Ticket.objects.filter(customer=instance).values_list("pk", flat=True):
        search_index_ticket(ticket_id=pk)


def _ticket_changed(sender: Any, ticket_id: int, **kw: Any) -> None:
    search_index_ticket(ticket_id=ticket_id)


def _knowledge_saved(sender: Any, instance: KnowledgeArticle, **kw: Any) -> None:
    search_index_article(article_id=instance.pk)


def _knowledge_tags_changed(sender: Any, instance: Any, action: str, **kw: Any) -> None:
    if not action.startswith("post_"):
        return
    if isinstance(instance, KnowledgeArticle):
        search_index_article(article_id=instance.pk)
    else:
        for pk in kw.get("pk_set") or ():
            search_index_article(article_id=pk)


def connect() -> None:
    """Connect every listener (from ``SearchConfig.ready``), once."""
    post_save.connect(_ticket_saved, sender=Ticket, dispatch_uid="search-ticket-save")
    post_save.connect(_article_changed, sender=Article, dispatch_uid="search-article-save")
    post_delete.connect(_article_changed, sender=Article, dispatch_uid="search-article-del")
    m2m_changed.connect(
        _ticket_tags_changed, sender=Ticket.tags.through, dispatch_uid="search-ticket-tags"
    )
    post_save.connect(_customer_saved, sender=Customer, dispatch_uid="search-customer-save")
    ticket_changed.connect(_ticket_changed, dispatch_uid="search-ticket-changed")
    post_save.connect(_knowledge_saved, sender=KnowledgeArticle, dispatch_uid="search-kb-save")
    post_delete.connect(_knowledge_saved, sender=KnowledgeArticle, dispatch_uid="search-kb-del")
    m2m_changed.connect(
        _knowledge_tags_changed,
        sender=KnowledgeArticle.tags.through,
        dispatch_uid="search-kb-tags",
    )
