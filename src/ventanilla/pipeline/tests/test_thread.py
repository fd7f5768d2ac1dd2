"""The thread step: signed token, known Message-IDs (in and out), subject number if a party."""

from __future__ import annotations

import pytest

from ventanilla.core.signing import make_message_id
from ventanilla.mail.models import OutboundKind, OutboundMessage
from ventanilla.pipeline.context import Bounce
from ventanilla.pipeline.handlers.thread import NUMBER_RE, ThreadToTicket
from ventanilla.tickets.models import Ticket
from ventanilla.tickets.services import participant_add

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ticket(deliver, make_mail) -> Ticket:
    inbound = deliver(make_mail(message_id="<root@cliente.es>"), send_ack=False)
    return Ticket.objects.get(pk=inbound.ticket_id)


def _thread(ctx):
    ThreadToTicket().process(ctx)
    return ctx.ticket, ctx.thread_reason


def test_signed_token_in_references_wins(ticket, make_ctx, make_mail):
    token = make_message_id(ticket_number=ticket.number, domain="empresa.es")
    ctx = make_ctx(make_mail(subject="Re: algo", references=f"<x@y> <{token}>"))
    assert _thread(ctx) == (ticket, "token")


def test_forged_token_is_ignored(ticket, make_ctx, make_mail):
    token = make_message_id(ticket_number=ticket.number, domain="empresa.es")
    forged = token.replace(ticket.number, ticket.number[:-1] + "9")
    ctx = make_ctx(make_mail(subject="Re: algo", in_reply_to=f"<{forged}>"))
    assert _thread(ctx) == (None, "")


def test_known_inbound_message_id(ticket, make_ctx, make_mail):
    ctx = make_ctx(make_mail(subject="otra cosa", in_reply_to="<root@cliente.es>"))
    assert _thread(ctx) == (ticket, "message-id")


def test_known_outbound_message_id(ticket, make_ctx, make_mail, mailbox):
    OutboundMessage.objects.create(
        mailbox=mailbox,
        ticket=ticket,
        kind=OutboundKind.REPLY,
        envelope_from=mailbox.address,
        recipients=["lucia@cliente.es"],
        subject="Re",
        message_id="agent-reply-1@empresa.es",
        raw=b"",
    )
    ctx = make_ctx(make_mail(subject="sin número", references="<agent-reply-1@empresa.es>"))
    assert _thread(ctx) == (ticket, "message-id")


def test_subject_number_from_the_customer(ticket, make_ctx, make_mail):
    ctx = make_ctx(make_mail(subject=f"Sobre el {ticket.number}, más datos"))
    assert _thread(ctx) == (ticket, "subject")


def test_subject_number_from_a_participant(ticket, make_ctx, make_mail):
    participant_add(ticket=ticket, email="jefe@cliente.es", name="Jefe", role="cc")
    ctx = make_ctx(make_mail(sender="jefe@cliente.es", subject=f"[{ticket.number}] prisa"))
    assert _thread(ctx) == (ticket, "subject")


def test_subject_number_from_a_stranger_does_not_join(ticket, make_ctx, make_mail):
    ctx = make_ctx(make_mail(sender="intruso@otro.com", subject=f"Re: [{ticket.number}]"))
    assert _thread(ctx) == (None, "")


def test_subject_number_ignored_when_spoof_suspected(ticket, make_ctx, make_mail):
    ctx = make_ctx(make_mail(subject=f"Re: [{ticket.number}]"))
    ctx.possible_spoof = True
    assert _thread(ctx) == (None, "")


def test_bounce_finds_ticket_through_returned_original(ticket, make_ctx, make_mail):
    ctx = make_ctx(make_mail(sender="MAILER-DAEMON@mx.cliente.es", subject="Undelivered"))
    ctx.bounce = Bounce(recipients=["lucia@cliente.es"], original_message_ids=["root@cliente.es"])
    assert _thread(ctx) == (ticket, "message-id")


def test_nothing_known_means_no_ticket(ticket, make_ctx, make_mail):
    ctx = make_ctx(make_mail(subject="Nueva consulta", in_reply_to="<unknown@x>"))
    assert _thread(ctx) == (None, "")


@pytest.mark.parametrize(
    ("subject", "found"),
    [
        ("Re: [SOP-2026-00042] Impresora", ["SOP-2026-00042"]),
        ("SOP-2026-00042", ["SOP-2026-00042"]),
        ("SOP-2026-0004", []),
        ("SOP-2026-000421", ["SOP-2026-000421"]),
        ("Pedido 2026-00042", []),
    ],
)
def test_number_pattern(subject, found):
    assert NUMBER_RE.findall(subject) == found
