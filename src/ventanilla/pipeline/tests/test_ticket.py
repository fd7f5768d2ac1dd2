"""The ticket step: new mail opens, replies move status, automatic mail never opens or reopens."""

from __future__ import annotations

import pytest

from ventanilla.pipeline.context import Bounce, MailKind, Outcome
from ventanilla.pipeline.handlers.customer import ResolveCustomer
from ventanilla.pipeline.handlers.ticket import OpenOrUpdateTicket
from ventanilla.tickets.models import Ticket, TicketStatus

pytestmark = pytest.mark.django_db


def test_new_mail_opens_a_new_ticket(make_ctx, make_mail):
    ctx = make_ctx(make_mail(subject="La VPN no conecta"))
    ctx.language = "es"
    ResolveCustomer().process(ctx)
    OpenOrUpdateTicket().process(ctx)
    ticket = Ticket.objects.get()
    assert ctx.created_ticket
    assert ctx.thread_reason == "new"
    assert ticket.subject == "La VPN no conecta"
    assert ticket.status == TicketStatus.NEW
    assert ticket.customer.email == "lucia@cliente.es"
    assert ticket.received_at == ctx.inbound.received_at
    assert ticket.number.startswith("SOP-")


@pytest.mark.parametrize("kind", [MailKind.AUTO_REPLY, MailKind.BOUNCE])
def test_automatic_mail_about_nothing_is_ignored(make_ctx, make_mail, kind):
    ctx = make_ctx(make_mail(subject="Fuera de la oficina"))
    ctx.kind = kind
    OpenOrUpdateTicket().process(ctx)
    assert ctx.outcome is Outcome.IGNORED
    assert not Ticket.objects.exists()


def _existing(make_ctx, make_mail, status):
    first = make_ctx(make_mail(subject="Primera"))
    ResolveCustomer().process(first)
    OpenOrUpdateTicket().process(first)
    ticket = first.ticket
    Ticket.objects.filter(pk=ticket.pk).update(status=status)
    ticket.refresh_from_db()
    return ticket


@pytest.mark.parametrize("kind", [MailKind.AUTO_REPLY, MailKind.BOUNCE])
def test_automatic_mail_never_reopens(make_ctx, make_mail, kind):
    ticket = _existing(make_ctx, make_mail, TicketStatus.RESOLVED)
    ctx = make_ctx(make_mail(subject="Auto"))
    ctx.kind = kind
    ctx.bounce = Bounce(recipients=["lucia@cliente.es"]) if kind is MailKind.BOUNCE else None
    ctx.ticket = ticket
    OpenOrUpdateTicket().process(ctx)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED
    if kind is MailKind.BOUNCE:
        assert ticket.events.filter(kind="bounce-received").exists()


def test_customer_reply_reopens_resolved(make_ctx, make_mail):
    ticket = _existing(make_ctx, make_mail, TicketStatus.RESOLVED)
    ctx = make_ctx(make_mail(subject="Sigue fallando"))
    ctx.ticket = ticket
    OpenOrUpdateTicket().process(ctx)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN
    assert not ctx.created_ticket


def test_imported_history_keeps_its_original_date(mailbox, make_mail):
    from ventanilla.intake.ingest import ingest_raw
    from ventanilla.pipeline.services import inbound_process

    raw = make_mail(subject="Histórico").replace(
        b"Date: Tue, 24 Nov 2026 09:30:00 +0000", b"Date: Mon, 04 Mar 2019 10:00:00 +0100"
    )
    inbound = ingest_raw(raw, source="import", envelope_to=[mailbox.address], process=False)
    inbound_process(inbound_id=inbound.inbound.pk)
    ticket = Ticket.objects.get()
    assert ticket.received_at.isoformat() == "2019-03-04T09:00:00+00:00"
    assert ticket.number.startswith("SOP-2019-")


def test_live_mail_is_received_now_whatever_its_date_says(make_ctx, make_mail):
    ctx = make_ctx(make_mail(subject="Fecha rara"))
    ResolveCustomer().process(ctx)
    OpenOrUpdateTicket().process(ctx)
    assert ctx.ticket.received_at == ctx.inbound.received_at
