"""Customer mail on a ticket that waits, is resolved or closed: reopen, or a follow-up ticket.

Everything goes through ``deliver`` (ingest + the whole pipeline), as real mail would.
"""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from django.test import override_settings
from django.utils import timezone

from ventanilla.mail.models import OutboundKind, OutboundMessage
from ventanilla.tickets.lifecycle import ticket_reopen_window_open, ticket_resolve
from ventanilla.tickets.models import Ticket, TicketStatus

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ticket(deliver, make_mail):
    deliver(make_mail(message_id="<primero@cliente.es>"))
    return Ticket.objects.select_related("customer").get()


def _set(ticket, status, **fields):
    Ticket.objects.filter(pk=ticket.pk).update(status=status, **fields)


def _reply(deliver, make_mail, **kwargs):
    return deliver(
        make_mail(
            subject="Re: No puedo acceder a la intranet",
            body="Sigue sin funcionar.\n",
            in_reply_to="<primero@cliente.es>",
            references="<primero@cliente.es>",
            **kwargs,
        )
    )


@pytest.mark.parametrize(
    ("status", "edge"), [(TicketStatus.PENDING, "resume"), (TicketStatus.RESOLVED, "reopen")]
)
def test_customer_reply_opens_pending_and_resolved_tickets(
    ticket, deliver, make_mail, status, edge
):
    _set(ticket, status)
    _reply(deliver, make_mail)
    assert Ticket.objects.count() == 1
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN
    change = ticket.events.filter(kind="status-changed").latest("pk")
    assert (change.data["edge"], change.data["reason"]) == (edge, "customer-mail")
    assert ticket.articles.count() == 2


def test_reply_to_the_resolution_mail_reopens_the_ticket(ticket, deliver, make_mail, make_agent):
    ticket_resolve(ticket=ticket, actor=make_agent("ana"), note="Reiniciado el servidor.")
    notice = OutboundMessage.objects.get(kind=OutboundKind.RESOLUTION)
    # The customer's client answers our notice, with a subject that lost the number.
    deliver(
        make_mail(
            subject="Re: resuelto",
            body="No, sigue igual.\n",
            in_reply_to=notice.message_id,
            references=f"<primero@cliente.es> {notice.message_id}",
        )
    )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("margin", [timedelta(minutes=5), timedelta(days=13)])
def test_closed_ticket_reopens_within_the_window(ticket, deliver, make_mail, margin):
    _set(ticket, TicketStatus.CLOSED, closed_at=timezone.now() - timedelta(days=14) + margin)
    _reply(deliver, make_mail)
    assert Ticket.objects.count() == 1
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN
    assert ticket.events.filter(kind="status-changed").latest("pk").data["edge"] == "reopen"


def test_reply_after_the_window_opens_a_linked_follow_up(ticket, deliver, make_mail):
    closed_at = timezone.now() - timedelta(days=14, minutes=5)
    _set(ticket, TicketStatus.CLOSED, closed_at=closed_at)
    inbound = _reply(deliver, make_mail)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED  # the old case stays as it was
    assert ticket.articles.count() == 1
    follow_up = Ticket.objects.exclude(pk=ticket.pk).get()
    assert follow_up.follow_up_of == ticket
    assert follow_up.status == TicketStatus.NEW
    assert follow_up.number != ticket.number
    assert follow_up.customer == ticket.customer
    assert inbound.ticket_id == follow_up.pk
    article = follow_up.articles.get()
    assert article.text.startswith("Sigue sin funcionar.")
    for side in (ticket, follow_up):
        event = side.events.get(kind="follow-up")
        assert event.data == {"previous": ticket.number, "follow_up": follow_up.number}
    # The customer is acknowledged with the new number, threaded to the mail.
    ack = OutboundMessage.objects.get(kind=OutboundKind.ACK, ticket=follow_up)
    mail = message_from_bytes(bytes(ack.raw), policy=policy.default)
    assert follow_up.number in mail["Subject"]
    assert mail["In-Reply-To"] == f"<{inbound.message_id}>"


def test_a_second_reply_goes_to_the_follow_up_not_a_third_ticket(ticket, deliver, make_mail):
    _set(ticket, TicketStatus.CLOSED, closed_at=timezone.now() - timedelta(days=30))
    _reply(deliver, make_mail)
    follow_up = Ticket.objects.get(follow_up_of=ticket)
    ack = OutboundMessage.objects.get(kind=OutboundKind.ACK, ticket=follow_up)
    deliver(make_mail(subject="Re: ack", body="Más datos.\n", in_reply_to=ack.message_id))
    assert Ticket.objects.count() == 2
    assert follow_up.articles.count() == 2


def test_window_setting_is_honoured(ticket, deliver, make_mail):
    _set(ticket, TicketStatus.CLOSED, closed_at=timezone.now() - timedelta(days=3))
    with override_settings(VENTANILLA_REOPEN_DAYS=2):
        _reply(deliver, make_mail)
    assert Ticket.objects.count() == 2


def test_window_boundary_is_inclusive(ticket):
    closed_at = timezone.now()
    ticket.status = TicketStatus.CLOSED
    ticket.closed_at = closed_at
    limit = closed_at + timedelta(days=14)
    assert ticket_reopen_window_open(ticket=ticket, now=limit)
    assert not ticket_reopen_window_open(ticket=ticket, now=limit + timedelta(microseconds=1))
    ticket.status = TicketStatus.RESOLVED  # only closed tickets have a window
    assert ticket_reopen_window_open(ticket=ticket, now=limit + timedelta(days=365))


@pytest.mark.parametrize("status", [TicketStatus.RESOLVED, TicketStatus.CLOSED])
def test_automatic_mail_never_reopens_nor_opens_a_follow_up(ticket, deliver, make_mail, status):
    _set(ticket, status, closed_at=timezone.now() - timedelta(days=60))
    inbound = _reply(deliver, make_mail, headers={"Auto-Submitted": "auto-replied"})
    assert Ticket.objects.count() == 1
    ticket.refresh_from_db()
    assert ticket.status == status
    assert inbound.ticket_id == ticket.pk
    assert ticket.articles.filter(kind="auto-reply").count() == 1
