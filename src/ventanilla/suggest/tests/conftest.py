"""Fixtures of the suggestion tests: solved tickets with notes, published articles, agents."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import timezone

from ventanilla.customers.services import customer_upsert_from_mail
from ventanilla.knowledge.models import KnowledgeArticle
from ventanilla.tickets.models import ArticleDirection, ArticleKind, Ticket
from ventanilla.tickets.services import article_add, ticket_create_from_mail


@pytest.fixture
def make_ticket(mailbox, django_capture_on_commit_callbacks) -> Callable[..., Ticket]:
    """``make(subject, text, note="", team=None)``: a ticket with one mail, solved if noted.

    Runs the commit callbacks, as a real commit would: the embeddings are computed.
    """
    counter = iter(range(1, 10_000))

    def make(subject: str, text: str, *, note: str = "", team=None) -> Ticket:
        n = next(counter)
        with django_capture_on_commit_callbacks(execute=True):
            customer = customer_upsert_from_mail(email=f"c{n}@cliente.es", name=f"Cliente {n}")
            ticket = ticket_create_from_mail(
                mailbox=mailbox,
                customer=customer,
                subject=subject,
                received_at=timezone.now(),
                language="es",
            )
            article_add(
                ticket=ticket,
                direction=ArticleDirection.IN,
                kind=ArticleKind.MAIL,
                fields={"text": text, "subject": subject, "message_id": f"s{n}@cliente.es"},
            )
            if note or team is not None:
                ticket.team = team
                if note:
                    ticket.status = "resolved"  # a fixture, not the product's status writer
                    ticket.resolution_note = note
                ticket.save()
        return ticket

    return make


@pytest.fixture
def make_knowledge(
    make_agent, django_capture_on_commit_callbacks
) -> Callable[..., KnowledgeArticle]:
    """``make(title, body, status="published", language="es")``: a knowledge article."""
    author = make_agent("autora", role="supervisor")
    counter = iter(range(1, 10_000))

    def make(title: str, body: str, *, status: str = "published", language: str = "es"):
        with django_capture_on_commit_callbacks(execute=True):
            return KnowledgeArticle.objects.create(
                title=title,
                slug=f"art-{next(counter)}",
                body=body,
                language=language,
                status=status,
                visibility="public",
                author=author,
            )

    return make
