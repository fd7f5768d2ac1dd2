"""The ``agent-mail`` step: an agent answers a notification by mail (issue 4, item 6)."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from ventanilla.agents.models import Notification
from ventanilla.agents.services import team_create
from ventanilla.mail.models import InboundState, OutboundKind, OutboundMessage
from ventanilla.mail.pipeline.context import Outcome
from ventanilla.mail.pipeline.handlers.agent_mail import AgentMail, split_note_marker
from ventanilla.mail.pipeline.registry import HANDLERS
from ventanilla.tickets.assignment import ticket_assign, ticket_set_team
from ventanilla.tickets.models import Article, ArticleKind, Ticket

# Mail is delivered and processed on commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

QUOTED = (
    "\n\nEl mar, 24 nov 2026 a las 10:31, Soporte Empresa <soporte@empresa.es> escribió:\n"
    "> SOP-2026-00001 se le ha asignado.\n> Ver: http://127.0.0.1:8000/t/SOP-2026-00001/\n"
)


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


def test_is_registered_right_after_body():
    from ventanilla.mail.pipeline.registry import INBOUND_PIPELINE

    assert isinstance(HANDLERS["agent-mail"], AgentMail)
    assert INBOUND_PIPELINE.index("agent-mail") == INBOUND_PIPELINE.index("body") + 1


def test_agent_answer_becomes_a_reply_to_the_customer(assigned, deliver, make_mail):
    ticket, ana, notice = assigned
    inbound = deliver(_answer(make_mail, notice, "Hola Lucía, ya funciona." + QUOTED))

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
    assert Ticket.objects.get(pk=ticket.pk).status == "open"


def test_note_marker_makes_an_internal_note(assigned, deliver, make_mail):
    ticket, ana, notice = assigned
    inbound = deliver(_answer(make_mail, notice, "#nota\nLlamé al cliente, mañana lo vemos."))

    assert "agent-mail: note by ana" in inbound.reasons
    note = Article.objects.get(ticket=ticket, kind=ArticleKind.NOTE)
    assert note.text.strip() == "Llamé al cliente, mañana lo vemos."
    assert note.author == ana
    assert not OutboundMessage.objects.filter(kind=OutboundKind.REPLY).exists()
    assert Ticket.objects.get(pk=ticket.pk).status == "new"


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


def test_attachments_of_the_agent_mail_go_to_the_customer(assigned, deliver, make_mail):
    _ticket, _ana, notice = assigned
    raw = _answer(make_mail, notice, "Le envío la guía.")
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    message.add_attachment(b"guia", maintype="application", subtype="pdf", filename="guía.pdf")
    deliver(message.as_bytes())

    reply = OutboundMessage.objects.get(kind=OutboundKind.REPLY)
    mail = message_from_bytes(bytes(reply.raw), policy=policy.default)
    files = list(mail.iter_attachments())
    assert [(f.get_filename(), f.get_content()) for f in files] == [("guía.pdf", b"guia")]
    assert Article.objects.get(outbound=reply).attachments.get().filename == "guía.pdf"


def test_agent_mail_that_threads_to_no_ticket_is_ignored_and_the_agent_told(
    assigned, deliver, make_mail
):
    _ticket, ana, _notice = assigned
    tickets = Ticket.objects.count()
    inbound = deliver(make_mail(sender="ana@empresa.es", subject="Una consulta", body="Hola\n"))

    assert inbound.state == InboundState.IGNORED
    assert any("no responde a una notificación de ticket" in r for r in inbound.reasons)
    assert Ticket.objects.count() == tickets
    notice = Notification.objects.get(user=ana, kind="agent-mail-ignored")
    assert "Una consulta" in notice.text
    assert not OutboundMessage.objects.filter(kind=OutboundKind.REPLY).exists()


def test_subject_number_alone_is_not_enough(assigned, deliver, make_mail):
    ticket, _ana, _notice = assigned
    inbound = deliver(
        make_mail(sender="ana@empresa.es", subject=f"Re: [{ticket.number}] x", body="Hecho\n")
    )
    assert inbound.state == InboundState.IGNORED
    assert not OutboundMessage.objects.filter(kind=OutboundKind.REPLY).exists()


def test_agent_who_cannot_see_the_ticket_is_refused(assigned, deliver, make_mail, make_agent):
    _ticket, _ana, notice = assigned
    make_agent("oscar", teams=[team_create(name="Facturación")])
    inbound = deliver(_answer(make_mail, notice, "Me meto yo.", sender="oscar@empresa.es"))

    assert inbound.state == InboundState.IGNORED
    # Told why, without a link to a ticket he may not see.
    notice = Notification.objects.get(user__username="oscar", kind="agent-mail-ignored")
    assert notice.ticket is None
    assert "no puedes actuar sobre este ticket" in notice.text
    assert not OutboundMessage.objects.filter(kind=OutboundKind.REPLY).exists()


def test_out_of_office_from_an_agent_is_ignored_silently(assigned, deliver, make_mail):
    _ticket, ana, notice = assigned
    inbound = deliver(
        _answer(
            make_mail,
            notice,
            "Estoy de vacaciones.",
            headers={"Auto-Submitted": "auto-replied"},
        )
    )
    assert inbound.state == InboundState.IGNORED
    assert not Notification.objects.filter(user=ana, kind="agent-mail-ignored").exists()
    assert not OutboundMessage.objects.filter(kind=OutboundKind.REPLY).exists()


def test_possible_spoof_is_never_acted_on(assigned, make_ctx, make_mail):
    _ticket, _ana, notice = assigned
    ctx = make_ctx(_answer(make_mail, notice, "Devuélvale el dinero."))
    for name in ("thread", "body"):
        HANDLERS[name].process(ctx)
    assert ctx.thread_reason == "token"
    ctx.possible_spoof = True

    HANDLERS["agent-mail"].process(ctx)

    assert ctx.stopped
    assert ctx.outcome is Outcome.IGNORED
    assert "spoofed" in ctx.reasons[-1]
    assert not OutboundMessage.objects.filter(kind=OutboundKind.REPLY).exists()


def test_customer_mail_passes_through(assigned, make_ctx, make_mail):
    _ticket, _ana, notice = assigned
    ctx = make_ctx(_answer(make_mail, notice, "Gracias", sender="lucia@cliente.es"))
    for name in ("thread", "body", "agent-mail"):
        HANDLERS[name].process(ctx)
    assert not ctx.stopped


def test_agent_address_failing_authentication_is_not_acted_on(
    assigned, deliver, make_mail, settings
):
    # The receiving MX (trusted) says the From domain failed DMARC: someone forged Ana.
    settings.VENTANILLA_TRUSTED_AUTHSERV_IDS = ["mx.empresa.es"]
    settings.VENTANILLA_DKIM_VERIFY = False
    _ticket, ana, notice = assigned
    forged = _answer(
        make_mail,
        notice,
        "Le devolvemos el dinero, envíe su IBAN.",
        headers={"Authentication-Results": "mx.empresa.es; dmarc=fail header.from=empresa.es"},
    )
    inbound = deliver(forged)

    assert inbound.state == InboundState.IGNORED
    assert any("possibly spoofed sender ana" in r for r in inbound.reasons)
    assert not OutboundMessage.objects.filter(kind=OutboundKind.REPLY).exists()
    assert not Article.objects.filter(author=ana).exists()


def test_imported_agent_mail_is_never_sent_again(assigned, deliver, make_mail):
    _ticket, _ana, notice = assigned
    inbound = deliver(_answer(make_mail, notice, "Respuesta antigua."), source="import")
    assert not any(r.startswith("agent-mail") for r in inbound.reasons)
    assert not OutboundMessage.objects.filter(kind=OutboundKind.REPLY).exists()
