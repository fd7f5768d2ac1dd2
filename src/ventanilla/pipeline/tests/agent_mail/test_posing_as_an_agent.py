"""The ``agent-mail`` step: a customer posing as an agent, and agent mail that proves nothing.

An answer is acted on only when it proves what it answers (a notification sent to that
agent) and who sent it (an authenticated From domain). The signatures here are real: an RSA
key per domain is generated for the module, mail is signed with ``dkim.sign`` and checked by
the product's own code (``parse.auth``), whose DNS lookup hook serves the public keys.
"""

from __future__ import annotations

import pytest

from ventanilla.agents.models import Notification
from ventanilla.customers.models import Customer
from ventanilla.mail.models import AgentMailCheck, OutboundKind, OutboundMessage
from ventanilla.pipeline.context import Outcome
from ventanilla.pipeline.registry import HANDLERS
from ventanilla.pipeline.tests.agent_mail.support import (
    AR,
    _answer,
    _assert_not_acted_on,
    _set_check,
)
from ventanilla.tickets.lifecycle import ticket_set_pending
from ventanilla.tickets.models import Article, Participant, Ticket, TicketStatus

# Mail is delivered and processed on commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


# --- A customer posing as an agent -------------------------------------------------------


@pytest.mark.parametrize("body", ["#nota\nReembolso aprobado por mí.", "Le devolvemos 500 €."])
def test_customer_forging_an_agent_with_her_ack_id_gets_the_customer_path(
    assigned, deliver, make_mail, sign, body
):
    """Lucía holds the Message-ID of her acknowledgement, signed by us for her ticket."""
    ticket, _ana, _notice = assigned
    ack = OutboundMessage.objects.get(kind=OutboundKind.ACK, ticket=ticket)
    customers = Customer.objects.count()
    forged = make_mail(
        sender="Ana Ruiz <ana@empresa.es>",
        subject=f"Re: [{ticket.number}] No puedo acceder a la intranet",
        body=body,
        in_reply_to=f"<{ack.message_id}>",
        references=f"<{ack.message_id}>",
        cc="complice@fuera.net",
    )
    # Her own mail server signs it for real, but for her domain: not aligned with empresa.es.
    inbound = deliver(sign(forged, "cliente.es"))

    assert inbound.authentication["verdict"] == "fail"
    received = _assert_not_acted_on(ticket, inbound, "ana", "no responde a ninguna notificación")
    assert received.sender_email == "ana@empresa.es"  # what the mail says, authored by nobody
    ticket.refresh_from_db()
    assert ticket.status == "new"  # no move in anybody's name
    assert ticket.first_response_at is None  # no SLA stamp
    # The agent's address became neither a customer nor a participant; no ack went out.
    assert Customer.objects.count() == customers
    assert not Customer.objects.filter(email="ana@empresa.es").exists()
    assert not Participant.objects.filter(ticket=ticket).exists()
    assert OutboundMessage.objects.filter(kind=OutboundKind.ACK).count() == 1


@pytest.mark.parametrize("body", ["#nota\nEl cliente tiene razón.", "Cerrado."])
def test_unsigned_forgery_with_the_ack_id_is_not_acted_on_nor_reopens(
    assigned, deliver, make_mail, body
):
    ticket, ana, _notice = assigned
    ticket_set_pending(ticket=ticket, actor=ana)
    ack = OutboundMessage.objects.get(kind=OutboundKind.ACK, ticket=ticket)
    forged = make_mail(
        sender="ana@empresa.es",
        subject="Re: acceso",
        body=body,
        in_reply_to=f"<{ack.message_id}>",
    )
    inbound = deliver(forged)

    assert inbound.authentication["verdict"] == "none"
    _assert_not_acted_on(ticket, inbound, "ana", "no responde a ninguna notificación")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.PENDING
    assert ticket.first_response_at is None


def test_agent_answering_another_agents_notification_is_refused(
    assigned, deliver, make_mail, make_agent, team, sign
):
    ticket, _ana, notice_to_ana = assigned
    make_agent("bob", teams=[team])  # may see the ticket, but the notice was not sent to him
    answer = _answer(make_mail, notice_to_ana, "Lo cierro yo.", sender="bob@empresa.es")
    inbound = deliver(sign(answer))

    assert inbound.authentication["verdict"] == "pass"
    _assert_not_acted_on(ticket, inbound, "bob", "no responde a ninguna notificación enviada a ti")
    notice = Notification.objects.get(user__username="bob", kind="agent-mail-ignored")
    assert notice.ticket == ticket  # he may see it: the notice links it
    assert not Notification.objects.filter(user__username="ana", kind="agent-mail-ignored")


def test_unsigned_agent_answer_is_refused_by_default(assigned, deliver, make_mail):
    ticket, _ana, notice = assigned
    inbound = deliver(_answer(make_mail, notice, "Hola Lucía, ya funciona."))

    assert inbound.authentication["verdict"] == "none"
    _assert_not_acted_on(ticket, inbound, "ana", "no lo ha autenticado")
    assert Ticket.objects.get(pk=ticket.pk).first_response_at is None


def test_token_only_mailbox_accepts_unsigned_answers_to_her_own_notification(
    assigned, deliver, make_mail, make_agent, team
):
    _set_check(AgentMailCheck.TOKEN_ONLY)
    ticket, _ana, notice = assigned
    inbound = deliver(_answer(make_mail, notice, "Hola Lucía, ya funciona."))
    assert "agent-mail: reply by ana" in inbound.reasons

    # The token is still required: the customer's ack id or another agent's notice are not.
    make_agent("bob", teams=[team])
    other = deliver(_answer(make_mail, notice, "Me meto yo.", sender="bob@empresa.es"))
    assert not any("by bob" in r for r in other.reasons)
    ack = OutboundMessage.objects.get(kind=OutboundKind.ACK, ticket=ticket)
    forged = deliver(make_mail(sender="ana@empresa.es", in_reply_to=f"<{ack.message_id}>"))
    assert any(r.startswith("agent-mail: kept as received mail") for r in forged.reasons)
    assert OutboundMessage.objects.filter(kind=OutboundKind.REPLY).count() == 1


def test_token_only_mailbox_still_refuses_a_failing_signature(assigned, deliver, make_mail, sign):
    _set_check(AgentMailCheck.TOKEN_ONLY)
    ticket, _ana, notice = assigned
    signed = sign(_answer(make_mail, notice, "Transfiera 100 euros."))
    inbound = deliver(signed.replace(b"100 euros", b"900 euros"))

    assert inbound.authentication["verdict"] == "fail"
    _assert_not_acted_on(ticket, inbound, "ana", "ha fallado")


def test_agent_address_failing_authentication_is_not_acted_on(
    assigned, deliver, make_mail, settings
):
    # The receiving MX (trusted) says the From domain failed DMARC: someone forged Ana.
    settings.VENTANILLA_TRUSTED_AUTHSERV_IDS = ["mx.empresa.es"]
    ticket, ana, notice = assigned
    forged = _answer(
        make_mail,
        notice,
        "Le devolvemos el dinero, envíe su IBAN.",
        headers={AR: "mx.empresa.es; dmarc=fail header.from=empresa.es"},
    )
    inbound = deliver(forged)

    _assert_not_acted_on(ticket, inbound, "ana", "ha fallado")
    assert not Article.objects.filter(author=ana).exists()


def test_possible_spoof_is_never_acted_on(assigned, make_ctx, make_mail, sign):
    _ticket, _ana, notice = assigned
    ctx = make_ctx(sign(_answer(make_mail, notice, "Devuélvale el dinero.")))
    for name in ("authenticate", "thread", "body"):
        HANDLERS[name].process(ctx)
    assert ctx.thread_reason == "token"
    assert ctx.authentication["verdict"] == "pass"
    ctx.possible_spoof = True  # as the authenticate step marks a failed verdict

    HANDLERS["agent-mail"].process(ctx)

    assert ctx.stopped
    assert ctx.outcome is Outcome.PROCESSED
    assert "ha fallado" in ctx.reasons[-1]
    assert not OutboundMessage.objects.filter(kind=OutboundKind.REPLY).exists()
