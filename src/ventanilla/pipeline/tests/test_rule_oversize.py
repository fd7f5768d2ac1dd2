"""Rule ``oversize``: larger than the mailbox's or the global limit → quarantine."""

from __future__ import annotations

import pytest

from ventanilla.mail.models import InboundMessage, InboundState, Mailbox
from ventanilla.pipeline.context import Context
from ventanilla.pipeline.rules.oversize import Oversize, size_limit
from ventanilla.pipeline.tests.contexts import unsaved_ctx
from ventanilla.tickets.models import Ticket


def make_ctx(raw: bytes, *, limit: int = 40 * 1024 * 1024) -> Context:
    mailbox = Mailbox(address="soporte@empresa.es", prefix="SOP", max_message_bytes=limit)
    return unsaved_ctx(raw, mailbox=mailbox)


def test_small_message_passes(make_mail):
    ctx = make_ctx(make_mail())
    assert not Oversize().check(ctx)
    assert ctx.reasons == []


def test_mailbox_limit_hits_with_size_in_reason(make_mail):
    raw = make_mail(body="x" * 5000)
    ctx = make_ctx(raw, limit=1000)
    assert Oversize().check(ctx)
    assert str(len(raw)) in ctx.reasons[0]
    assert "1000" in ctx.reasons[0]


def test_global_limit_applies_when_smaller(make_mail, settings):
    settings.VENTANILLA_MAX_MESSAGE_BYTES = 2000
    ctx = make_ctx(make_mail(body="y" * 3000), limit=10_000)
    assert size_limit(ctx) == 2000
    assert Oversize().check(ctx)


def test_exactly_at_the_limit_passes(make_mail):
    raw = make_mail()
    assert not Oversize().check(make_ctx(raw, limit=len(raw)))


@pytest.mark.django_db(transaction=True)
def test_oversize_mail_is_quarantined_and_kept(mailbox, deliver, make_mail):
    Mailbox.objects.filter(pk=mailbox.pk).update(max_message_bytes=1500)
    raw = make_mail(body="Adjunto el registro completo:\n" + "línea de log\n" * 400)
    inbound = deliver(raw)
    assert inbound.state == InboundState.QUARANTINED
    assert "oversize" in inbound.rule_hits
    assert bytes(InboundMessage.objects.get(pk=inbound.pk).raw) == raw
    assert not Ticket.objects.exists()
