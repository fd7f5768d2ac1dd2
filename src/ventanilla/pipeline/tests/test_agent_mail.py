"""The ``agent-mail`` step: an agent answers a notification by mail.

An answer is acted on only when it proves what it answers (a notification sent to that
agent) and who sent it (an authenticated From domain). The signatures here are real: an RSA
key per domain is generated for the module, mail is signed with ``dkim.sign`` and checked by
the product's own code (``parse.auth``), whose DNS lookup hook serves the public keys.
"""

from __future__ import annotations

import base64
from email import message_from_bytes, policy
from email.message import EmailMessage

import dkim
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from ventanilla.agents.models import Notification
from ventanilla.agents.notify import agent_notify
from ventanilla.agents.services import team_create
from ventanilla.customers.models import Customer
from ventanilla.mail.models import (
    AgentMailCheck,
    InboundState,
    Mailbox,
    OutboundKind,
    OutboundMessage,
)
from ventanilla.parse import auth
from ventanilla.pipeline.context import Outcome
from ventanilla.pipeline.handlers.agent_mail import AgentMail, split_note_marker
from ventanilla.pipeline.registry import HANDLERS
from ventanilla.tickets.assignment import ticket_assign, ticket_set_team
from ventanilla.tickets.lifecycle import ticket_set_pending
from ventanilla.tickets.models import Article, ArticleKind, Participant, Ticket, TicketStatus

# Mail is delivered and processed on commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

QUOTED = (
    "\n\nEl mar, 24 nov 2026 a las 10:31, Soporte Empresa <soporte@empresa.es> escribió:\n"
    "> SOP-2026-00001 se le ha asignado.\n> Ver: http://127.0.0.1:8000/t/SOP-2026-00001/\n"
)
SELECTOR = b"s2026"
AR = "Authentication-Results"


def _new_key() -> tuple[bytes, bytes]:
    """A fresh RSA key: (PKCS#1 PEM private key, the DKIM TXT record of its public key)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(Encoding.PEM, PrivateFormat.TraditionalOpenSSL, NoEncryption())
    public = key.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return private, b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


@pytest.fixture(scope="module")
def keys() -> dict[str, tuple[bytes, bytes]]:
    """One key per domain: the company (agents) and the customer."""
    return {"empresa.es": _new_key(), "cliente.es": _new_key()}


@pytest.fixture(autouse=True)
def dns(keys, monkeypatch, settings):
    """DKIM verification on, its DNS lookup (``auth.dns_txt``) answered from ``keys``."""
    settings.VENTANILLA_DKIM_VERIFY = True
    lookups: list[bytes] = []

    def txt(name: bytes, timeout: int = 5):  # dkimpy's dnsfunc signature
        lookups.append(name)
        for domain, (_private, record) in keys.items():
            if name == SELECTOR + b"._domainkey." + domain.encode() + b".":
                return record
        return None

    monkeypatch.setattr(auth, "dns_txt", txt)
    return lookups


@pytest.fixture
def sign(keys):
    """Return ``sign(raw, domain)``: the message with a real DKIM-Signature of ``domain``."""

    def _sign(raw: bytes, domain: str = "empresa.es") -> bytes:
        signature: bytes = dkim.sign(raw, SELECTOR, domain.encode(), keys[domain][0])
        return signature + raw

    return _sign


@pytest.fixture
def assigned(deliver, make_mail, make_agent, team):
    """Lucía's ticket, assigned to Ana, with the notification mail Ana received."""
    boss = make_agent("sofia", role="supervisor")
    ana = make_agent("ana", teams=[team], first_name="Ana", last_name="Ruiz")
    inbound = deliver(make_mail())
    ticket = Ticket.objects.get(pk=inbound.ticket_id)
    ticket_set_team(ticket=ticket, team=team, actor=boss)
    ticket_assign(ticket=ticket, assignee=ana, actor=boss)
    notice = OutboundMessage.objects.get(kind=OutboundKind.NOTIFICATION, recipients=[ana.email])
    return ticket, ana, notice


def _answer(make_mail, notice, body: str, **kwargs) -> bytes:
    raw: bytes = make_mail(
        sender=kwargs.pop("sender", "Ana Ruiz <ANA@empresa.es>"),
        subject="Re: " + notice.subject,
        body=body,
        in_reply_to=f"<{notice.message_id}>",
        references=f"<{notice.message_id}>",
        **kwargs,
    )
    return raw


def _set_check(value: str) -> None:
    Mailbox.objects.update(agent_mail_check=value)


def _assert_not_acted_on(ticket: Ticket, inbound, agent_username: str, reason: str) -> Article:
    """Nothing done in the agent's name; the mail is kept on the ticket as received mail."""
    assert not OutboundMessage.objects.filter(kind=OutboundKind.REPLY).exists()
    assert not Article.objects.filter(ticket=ticket, kind=ArticleKind.NOTE).exists()
    assert not Article.objects.filter(ticket=ticket, author__isnull=False).exists()
    assert inbound.state == InboundState.PROCESSED
    assert inbound.ticket_id == ticket.pk
    assert any(r.startswith("agent-mail: kept as received mail") for r in inbound.reasons)
    assert any(reason in r for r in inbound.reasons), inbound.reasons
    received = Article.objects.get(inbound=inbound)
    assert (received.direction, received.kind, received.author) == ("in", "mail", None)
    notice = Notification.objects.get(user__username=agent_username, kind="agent-mail-ignored")
    assert "no se ha enviado a nadie" in notice.text
    return received


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
