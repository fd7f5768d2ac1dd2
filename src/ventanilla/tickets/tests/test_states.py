"""The one writer of ticket status and its transition table."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ventanilla.customers.services import customer_upsert_from_mail
from ventanilla.tickets.models import TicketStatus as S
from ventanilla.tickets.services import ticket_create_from_mail, ticket_customer_replied
from ventanilla.tickets.states import TRANSITIONS, TicketStateError, ticket_transition


@pytest.fixture
def ticket(mailbox):
    customer = customer_upsert_from_mail(email="ana@cliente.es", name="Ana")
    return ticket_create_from_mail(
        mailbox=mailbox,
        customer=customer,
        subject="Impresora",
        received_at=datetime(2026, 5, 5, 10, tzinfo=UTC),
        language="es",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "end"), sorted(TRANSITIONS), ids=lambda v: str(v))
def test_every_allowed_transition_writes_an_event(ticket, start, end):
    ticket.status = start
    ticket.save()
    ticket_transition(ticket=ticket, to=end, actor="agent:1", reason="test")
    ticket.refresh_from_db()
    assert ticket.status == end
    event = ticket.events.get(kind="status-changed")
    assert event.data["previous"] == start
    assert event.data["new"] == end
    assert event.actor == "agent:1"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end"), [(S.NEW, S.CLOSED), (S.CLOSED, S.RESOLVED), (S.OPEN, S.NEW), (S.OPEN, S.OPEN)]
)
def test_forbidden_transitions_raise_and_change_nothing(ticket, start, end):
    ticket.status = start
    ticket.save()
    with pytest.raises(TicketStateError):
        ticket_transition(ticket=ticket, to=end)
    ticket.refresh_from_db()
    assert ticket.status == start
    assert not ticket.events.filter(kind="status-changed").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "after"),
    [
        (S.NEW, S.NEW),
        (S.OPEN, S.OPEN),
        (S.PENDING, S.OPEN),
        (S.RESOLVED, S.OPEN),
        (S.CLOSED, S.OPEN),
    ],
)
def test_customer_mail_moves_ticket(ticket, start, after):
    ticket.status = start
    ticket.save()
    ticket_customer_replied(ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status == after
