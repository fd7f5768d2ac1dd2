"""The one writer of ticket status and its transition table."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise

import pytest

from ventanilla.customers.services import customer_upsert_from_mail
from ventanilla.tickets.models import TicketStatus as S
from ventanilla.tickets.services import ticket_create_from_mail, ticket_customer_replied
from ventanilla.tickets.states import (
    NAMED_EDGES,
    TRANSITIONS,
    TicketStateError,
    ticket_transition,
)


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


# Every (from, to) pair the table does not list, staying put included: all are refused.
FORBIDDEN = sorted((a, b) for a in S.values for b in S.values if (a, b) not in TRANSITIONS)


def test_the_table_is_the_life_of_a_ticket():
    """new → open → pending → resolved → closed, with reopen."""
    path = [S.NEW, S.OPEN, S.PENDING, S.OPEN, S.RESOLVED, S.CLOSED, S.OPEN]
    assert all(step in TRANSITIONS for step in pairwise(path))
    assert (S.RESOLVED, S.OPEN) in TRANSITIONS
    closing = {a for a, b in TRANSITIONS if b == S.CLOSED}
    assert closing == {S.RESOLVED}  # closing always follows a resolution note
    assert len(FORBIDDEN) == 25 - len(TRANSITIONS)


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "end"), FORBIDDEN, ids=lambda v: str(v))
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


@pytest.mark.django_db
@pytest.mark.parametrize("start", [S.NEW, S.OPEN, S.PENDING, S.RESOLVED])
def test_merge_edge_closes_from_any_open_status(ticket, start):
    ticket.status = start
    ticket.save()
    ticket_transition(ticket=ticket, to=S.CLOSED, actor="ana", edge="merge")
    ticket.refresh_from_db()
    assert ticket.status == S.CLOSED
    assert ticket.events.get(kind="status-changed").data["edge"] == "merge"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end", "edge"),
    [(S.CLOSED, S.CLOSED, "merge"), (S.OPEN, S.RESOLVED, "merge"), (S.OPEN, S.CLOSED, "nope")],
)
def test_named_edges_allow_only_their_moves(ticket, start, end, edge):
    assert (start, end) not in NAMED_EDGES.get(edge, frozenset())
    ticket.status = start
    ticket.save()
    with pytest.raises(TicketStateError):
        ticket_transition(ticket=ticket, to=end, edge=edge)
    ticket.refresh_from_db()
    assert ticket.status == start


@pytest.mark.django_db
def test_refusal_is_a_translated_validation_error(ticket):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as error:
        ticket_transition(ticket=ticket, to=S.CLOSED)
    assert error.value.messages == [f"Ticket {ticket.number} cannot go from “new” to “closed”."]
