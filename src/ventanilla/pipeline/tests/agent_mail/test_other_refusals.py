"""The ``agent-mail`` step: agent mail that threads to nothing it may act on, and other mail.

An answer is acted on only when it proves what it answers (a notification sent to that
agent) and who sent it (an authenticated From domain). The signatures here are real: an RSA
key per domain is generated for the module, mail is signed with ``dkim.sign`` and checked by
the product's own code (``parse.auth``), whose DNS lookup hook serves the public keys.
"""

from __future__ import annotations

import pytest

from ventanilla.agents.models import Notification
from ventanilla.agents.notify import agent_notify
from ventanilla.agents.services import team_create
from ventanilla.mail.models import InboundState, OutboundKind, OutboundMessage
from ventanilla.pipeline.registry import HANDLERS
from ventanilla.pipeline.tests.agent_mail.support import _answer, _assert_not_acted_on
from ventanilla.tickets.models import Ticket

# Mail is delivered and processed on commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


# --- Other refusals -----------------------------------------------------------------------


def test_agent_mail_that_threads_to_no_ticket_is_ignored_and_the_agent_told(
    assigned, deliver, make_mail, sign
):
    _ticket, ana, _notice = assigned
    tickets = Ticket.objects.count()
    inbound = deliver(
        sign(make_mail(sender="ana@empresa.es", subject="Una consulta", body="Hola\n"))
    )

    assert inbound.state == InboundState.IGNORED
    assert any("no responde a una notificación de ticket" in r for r in inbound.reasons)
    assert Ticket.objects.count() == tickets
    notice = Notification.objects.get(user=ana, kind="agent-mail-ignored")
    assert "Una consulta" in notice.text
    assert not OutboundMessage.objects.filter(kind=OutboundKind.REPLY).exists()


def test_subject_number_alone_is_not_enough(assigned, deliver, make_mail, sign):
    ticket, _ana, _notice = assigned
    inbound = deliver(
        sign(make_mail(sender="ana@empresa.es", subject=f"Re: [{ticket.number}] x", body="Ok\n"))
    )
    assert inbound.state == InboundState.IGNORED
    assert not OutboundMessage.objects.filter(kind=OutboundKind.REPLY).exists()


def test_agent_who_cannot_see_the_ticket_is_refused(assigned, deliver, make_mail, make_agent, sign):
    ticket, _ana, _notice = assigned
    oscar = make_agent("oscar", teams=[team_create(name="Facturación")])
    # He was notified once (say, before the ticket moved to another team): his own token.
    agent_notify(users=[oscar], ticket=ticket, kind="mention", text="Mira esto")
    to_oscar = OutboundMessage.objects.get(kind=OutboundKind.NOTIFICATION, recipients=[oscar.email])
    inbound = deliver(sign(_answer(make_mail, to_oscar, "Me meto yo.", sender="oscar@empresa.es")))

    received = _assert_not_acted_on(ticket, inbound, "oscar", "no puedes actuar sobre este ticket")
    assert received.ticket == ticket
    # Told why, without a link to a ticket he may not see.
    notice = Notification.objects.get(user=oscar, kind="agent-mail-ignored")
    assert notice.ticket is None


def test_out_of_office_from_an_agent_is_ignored_silently(assigned, deliver, make_mail, sign):
    _ticket, ana, notice = assigned
    answer = _answer(
        make_mail, notice, "Estoy de vacaciones.", headers={"Auto-Submitted": "auto-replied"}
    )
    inbound = deliver(sign(answer))
    assert inbound.state == InboundState.IGNORED
    assert not Notification.objects.filter(user=ana, kind="agent-mail-ignored").exists()
    assert not OutboundMessage.objects.filter(kind=OutboundKind.REPLY).exists()


def test_customer_mail_passes_through(assigned, make_ctx, make_mail):
    _ticket, _ana, notice = assigned
    ctx = make_ctx(_answer(make_mail, notice, "Gracias", sender="lucia@cliente.es"))
    for name in ("thread", "body", "agent-mail"):
        HANDLERS[name].process(ctx)
    assert not ctx.stopped


def test_imported_agent_mail_is_never_sent_again(assigned, deliver, make_mail, sign):
    _ticket, _ana, notice = assigned
    inbound = deliver(sign(_answer(make_mail, notice, "Respuesta antigua.")), source="import")
    assert not any(r.startswith("agent-mail") for r in inbound.reasons)
    assert not OutboundMessage.objects.filter(kind=OutboundKind.REPLY).exists()
