"""Fixtures of the search tests: tickets with a conversation, agents of two teams."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import timezone

from ventanilla.customers.services import customer_upsert_from_mail
from ventanilla.tickets.models import ArticleDirection, ArticleKind, Ticket
from ventanilla.tickets.services import article_add, ticket_create_from_mail


@pytest.fixture
def make_ticket(mailbox) -> Callable[..., Ticket]:
    """Return ``make(subject, text, language="es", team=None)``: a ticket with one mail."""
    counter = iter(range(1, 10_000))

    def make(subject: str, text: str, *, language: str = "es", team=None, **fields) -> Ticket:
        n = next(counter)
        customer = customer_upsert_from_mail(email=f"cliente{n}@cliente.es", name=f"Cliente {n}")
        ticket = ticket_create_from_mail(
            mailbox=mailbox,
            customer=customer,
            subject=subject,
            received_at=timezone.now(),
            language=language,
        )
        if team is not None:
            ticket.team = team
            ticket.save(update_fields=["team"])
        article_add(
            ticket=ticket,
            direction=ArticleDirection.IN,
            kind=ArticleKind.MAIL,
            fields={"text": text, "subject": subject, "message_id": f"m{n}@cliente.es", **fields},
        )
        return ticket

    return make


@pytest.fixture
def teams(db):
    """Two teams: Soporte and Facturación."""
    from ventanilla.agents.services import team_create

    return team_create(name="Soporte"), team_create(name="Facturación")


@pytest.fixture
def boss(make_agent):
    """A supervisor: sees every ticket."""
    return make_agent("jefa", role="supervisor")
