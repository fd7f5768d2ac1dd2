"""Rule ``loop``: our own mail coming back is discarded."""

from __future__ import annotations

import pytest

from ventanilla.core.signing import make_message_id, make_plain_message_id
from ventanilla.mail.models import InboundState, OutboundMessage
from ventanilla.pipeline.context import Context
from ventanilla.pipeline.rules.loop import Loop
from ventanilla.pipeline.tests.contexts import unsaved_ctx
from ventanilla.tickets.models import Ticket


def make_ctx(raw: bytes, mailbox) -> Context:
    return unsaved_ctx(raw, mailbox=mailbox)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"headers": {"X-Loop": "soporte@empresa.es"}}, "X-Loop"),
        ({"headers": {"X-Loop": "Soporte <SOPORTE@empresa.es>"}}, "X-Loop"),
        ({"sender": "Soporte Empresa <soporte@empresa.es>"}, "our own address"),
        ({"message_id": "<{signed}>"}, "signed Message-ID"),
    ],
    ids=["x-loop", "x-loop-named-uppercase", "from-our-address", "signed-message-id"],
)
def test_own_mail_is_a_loop(mailbox, make_mail, kwargs, reason):
    if "message_id" in kwargs:  # signed at run time: the signature depends on SECRET_KEY
        signed = make_message_id(ticket_number="SOP-2026-00007", domain="empresa.es")
        kwargs = {"message_id": f"<{signed}>"}
    ctx = make_ctx(make_mail(**kwargs), mailbox)
    assert Loop().check(ctx)
    assert reason in ctx.reasons[0]


@pytest.mark.django_db
def test_message_id_in_our_outbox_is_a_loop(mailbox, make_mail):
    mid = make_plain_message_id(domain="empresa.es")
    OutboundMessage.objects.create(
        mailbox=mailbox,
        kind="ack",
        envelope_from="soporte@empresa.es",
        recipients=["lucia@cliente.es"],
        subject="Recibido",
        message_id=mid,
        raw=b"x",
    )
    ctx = make_ctx(make_mail(message_id=f"<{mid}>"), mailbox)
    assert Loop().check(ctx)
    assert "outbox" in ctx.reasons[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"headers": {"X-Loop": "lista@otra.es"}},
        {"message_id": "<SOP-2026-00007.abcdefgh.0123456789abcdef@empresa.es>"},  # forged
        {"to": "lucia@cliente.es", "cc": "soporte@empresa.es"},
    ],
    ids=["customer", "foreign-x-loop", "forged-signature", "cc-to-us"],
)
def test_customer_mail_is_not_a_loop(mailbox, make_mail, kwargs):
    ctx = make_ctx(make_mail(**kwargs), mailbox)
    assert not Loop().check(ctx)
    assert ctx.reasons == []


@pytest.mark.django_db(transaction=True)
def test_looping_mail_is_ignored(deliver, make_mail):
    inbound = deliver(make_mail(headers={"X-Loop": "soporte@empresa.es"}))
    assert inbound.state == InboundState.IGNORED
    assert inbound.rule_hits == ["loop"]
    assert not Ticket.objects.exists()
    assert not OutboundMessage.objects.exists()
