"""The ``agent-mail`` step: an agent's proven answers to a notification are acted on.

An answer is acted on only when it proves what it answers (a notification sent to that
agent) and who sent it (an authenticated From domain). The signatures here are real: an RSA
key per domain is generated for the module, mail is signed with ``dkim.sign`` and checked by
the product's own code (``parse.auth``), whose DNS lookup hook serves the public keys.
"""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from ventanilla.mail.models import AgentMailCheck, InboundState, OutboundKind, OutboundMessage
from ventanilla.pipeline.handlers.agent_mail import AgentMail, split_note_marker
from ventanilla.pipeline.registry import HANDLERS
from ventanilla.pipeline.tests.agent_mail.support import AR, QUOTED, _answer, _assert_not_acted_on
from ventanilla.tickets.models import Article, ArticleKind, Ticket

# Mail is delivered and processed on commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def test_is_registered_right_after_body():
    from ventanilla.pipeline.registry import INBOUND_PIPELINE

    assert isinstance(HANDLERS["agent-mail"], AgentMail)
    assert INBOUND_PIPELINE.index("agent-mail") == INBOUND_PIPELINE.index("body") + 1


def test_mailboxes_require_authenticated_agent_mail_by_default(mailbox):
    assert mailbox.agent_mail_check == AgentMailCheck.AUTHENTICATED


# --- Proven answers are acted on -----------------------------------------------------------


def test_signed_answer_to_her_notification_becomes_a_reply(assigned, deliver, make_mail, sign):
    ticket, ana, notice = assigned
    inbound = deliver(sign(_answer(make_mail, notice, "Hola Lucía, ya funciona." + QUOTED)))

    assert inbound.authentication["verdict"] == "pass"
    assert inbound.state == InboundState.PROCESSED
    assert "agent-mail: reply by ana" in inbound.reasons
    assert inbound.ticket_id == ticket.pk
    reply = OutboundMessage.objects.get(kind=OutboundKind.REPLY)
    assert reply.recipients == ["lucia@cliente.es"]
    raw = bytes(reply.raw).decode()
    assert "Hola Luc=C3=ADa, ya funciona." in raw
    assert "escribi" not in raw  # the quoted notification stays out
    article = Article.objects.get(outbound=reply)
    assert article.author == ana
    assert article.new_text == "Hola Lucía, ya funciona."
    # The agent's mail is not a customer article, and nobody gets an acknowledgement.
    assert not Article.objects.filter(ticket=ticket, sender_email="ana@empresa.es").exists()
    assert OutboundMessage.objects.filter(kind=OutboundKind.ACK).count() == 1
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert ticket.first_response_at is not None


def test_signed_note_marker_makes_an_internal_note(assigned, deliver, make_mail, sign):
    ticket, ana, notice = assigned
    inbound = deliver(sign(_answer(make_mail, notice, "#nota\nLlamé al cliente, mañana.")))

    assert "agent-mail: note by ana" in inbound.reasons
    note = Article.objects.get(ticket=ticket, kind=ArticleKind.NOTE)
    assert note.text.strip() == "Llamé al cliente, mañana."
    assert note.author == ana
    assert not OutboundMessage.objects.filter(kind=OutboundKind.REPLY).exists()
    assert Ticket.objects.get(pk=ticket.pk).status == "new"


@pytest.mark.parametrize("body", ["Ya está resuelto.", "#nota\nRevisado."])
def test_trusted_authentication_results_pass_is_accepted(
    assigned, deliver, make_mail, mailbox, body
):
    # The mailbox is fetched from the company's MX, which checks DKIM/DMARC and says so.
    mailbox.trusted_authserv_ids = "mx.empresa.es"
    mailbox.save()
    _ticket, _ana, notice = assigned
    results = "mx.empresa.es; dkim=pass header.d=empresa.es; dmarc=pass header.from=empresa.es"
    inbound = deliver(_answer(make_mail, notice, body, headers={AR: results}))

    assert inbound.authentication["method"] == "authentication-results"
    assert inbound.authentication["verdict"] == "pass"
    kind = "note" if body.startswith("#nota") else "reply"
    assert f"agent-mail: {kind} by ana" in inbound.reasons


def test_authentication_results_of_a_server_the_mailbox_does_not_trust_prove_nothing(
    assigned, deliver, make_mail, mailbox
):
    mailbox.trusted_authserv_ids = "mx.empresa.es"
    mailbox.save()
    ticket, _ana, notice = assigned
    forged = "mx.forger.net; dkim=pass header.d=empresa.es; dmarc=pass header.from=empresa.es"
    inbound = deliver(_answer(make_mail, notice, "Le devolvemos el dinero.", headers={AR: forged}))

    assert inbound.authentication["verdict"] == "none"
    _assert_not_acted_on(ticket, inbound, "ana", "no lo ha autenticado")


def test_site_wide_trusted_authserv_id_also_counts(assigned, deliver, make_mail, settings):
    settings.VENTANILLA_TRUSTED_AUTHSERV_IDS = ["mx.empresa.es"]
    _ticket, _ana, notice = assigned
    results = "mx.empresa.es; dmarc=pass header.from=empresa.es"
    inbound = deliver(_answer(make_mail, notice, "Hecho.", headers={AR: results}))
    assert "agent-mail: reply by ana" in inbound.reasons


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#nota\nuno\ndos", (True, "uno\ndos")),
        ("  #NOTE: llamó\n", (True, "llamó")),
        ("#nota llamó ayer", (True, "llamó ayer")),
        ("#notable cosa", (False, "#notable cosa")),
        ("Hola\n#nota", (False, "Hola\n#nota")),
    ],
)
def test_split_note_marker(text, expected):
    assert split_note_marker(text) == expected


def test_attachments_of_the_agent_mail_go_to_the_customer(assigned, deliver, make_mail, sign):
    _ticket, _ana, notice = assigned
    raw = _answer(make_mail, notice, "Le envío la guía.")
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    message.add_attachment(b"guia", maintype="application", subtype="pdf", filename="guía.pdf")
    deliver(sign(message.as_bytes()))

    reply = OutboundMessage.objects.get(kind=OutboundKind.REPLY)
    mail = message_from_bytes(bytes(reply.raw), policy=policy.default)
    files = list(mail.iter_attachments())
    assert [(f.get_filename(), f.get_content()) for f in files] == [("guía.pdf", b"guia")]
    assert Article.objects.get(outbound=reply).attachments.get().filename == "guía.pdf"


def test_answer_to_a_notification_of_a_ticket_since_merged_acts_on_the_target(
    assigned, deliver, make_mail, sign
):
    from ventanilla.tickets.merge import ticket_merge

    source, ana, notice = assigned
    target = Ticket.objects.get(pk=deliver(make_mail(subject="Otra consulta")).ticket_id)
    ticket_merge(source=source, target=target, actor=ana)
    inbound = deliver(sign(_answer(make_mail, notice, "#nota\nVisto en el ticket fusionado.")))

    assert "agent-mail: note by ana" in inbound.reasons
    assert Article.objects.get(kind=ArticleKind.NOTE, author=ana).ticket == target
