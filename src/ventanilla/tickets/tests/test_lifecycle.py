"""Lifecycle services: resolve with a note and the resolution mail, close, reopen, auto-close."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from ventanilla.core.signing import ticket_number_from_message_id
from ventanilla.customers.models import Customer
from ventanilla.mail.models import OutboundKind, OutboundMessage
from ventanilla.tickets.lifecycle import (
    ticket_close,
    ticket_open,
    ticket_reopen,
    ticket_resolve,
    ticket_set_pending,
    tickets_auto_close,
)
from ventanilla.tickets.models import ArticleKind, Ticket, TicketStatus
from ventanilla.tickets.states import TicketStateError

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "La contraseña había caducado; se restableció y se comprobó el acceso."


@pytest.fixture
def agent(make_agent):
    return make_agent("ana")


@pytest.fixture
def ticket(deliver, make_mail):
    deliver(make_mail(message_id="<primero@cliente.es>"))
    return Ticket.objects.select_related("customer", "mailbox").get()


def _resolution_mail(ticket):
    outbound = OutboundMessage.objects.get(ticket=ticket, kind=OutboundKind.RESOLUTION)
    return outbound, _parse(outbound.raw)


def _parse(raw):
    return message_from_bytes(bytes(raw), policy=policy.default)


def _text(mail) -> str:
    body = mail.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


@pytest.mark.parametrize("note", ["", "   \n\t "])
def test_resolve_without_a_note_is_refused_and_changes_nothing(ticket, agent, note):
    with pytest.raises(ValidationError) as error:
        ticket_resolve(ticket=ticket, actor=agent, note=note)
    assert error.value.code == "note-required"
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW
    assert ticket.resolution_note == ""
    assert not OutboundMessage.objects.filter(kind=OutboundKind.RESOLUTION).exists()


def test_resolve_stores_the_note_as_field_article_and_event(ticket, agent):
    result = ticket_resolve(ticket=ticket, actor=agent, note=f"  {NOTE}\n")
    ticket.refresh_from_db()
    assert result.pk == ticket.pk
    assert ticket.status == TicketStatus.RESOLVED
    assert ticket.resolution_note == NOTE
    note = ticket.articles.get(kind=ArticleKind.NOTE)
    assert (note.text, note.author, note.direction) == (NOTE, agent, "out")
    event = ticket.events.get(kind="resolution-note")
    assert (event.actor, event.data["article_id"]) == ("ana", note.pk)
    change = ticket.events.filter(kind="status-changed").latest("pk")
    assert (change.data["edge"], change.actor) == ("resolve", "ana")


@pytest.mark.parametrize(
    ("language", "subject_words", "body_words"),
    [
        ("en", "Your request has been resolved", ["Hello Lucía Pérez,", "Reference:"]),
        ("es", "", ["Hola, Lucía Pérez:", "Referencia:"]),
    ],
)
def test_resolution_mail_is_threaded_in_the_customers_language(
    ticket, agent, language, subject_words, body_words
):
    ticket.customer.language = language
    ticket.customer.save()
    ticket_resolve(ticket=ticket, actor=agent, note=NOTE)
    outbound, mail = _resolution_mail(ticket)
    assert outbound.recipients == ["lucia@cliente.es"]
    assert mail["To"] == "lucia@cliente.es"
    assert mail["Subject"].startswith(f"[{ticket.number}] ")
    assert subject_words in mail["Subject"]
    assert "No puedo acceder a la intranet" in mail["Subject"]
    assert mail["In-Reply-To"] == "<primero@cliente.es>"
    assert "<primero@cliente.es>" in mail["References"]
    assert ticket_number_from_message_id(mail["Message-ID"]) == ticket.number
    assert mail["Content-Language"] == language
    assert mail["Auto-Submitted"] is None  # the agent's act, not an auto-reply
    body = _text(mail)
    for words in body_words:
        assert words in body
    assert ticket.number in body
    assert NOTE not in body  # the note is internal
    article = ticket.articles.get(outbound=outbound)
    assert (article.kind, article.direction, article.author) == ("mail", "out", agent)
    assert article.message_id == outbound.message_id.strip("<>")
    assert article.text == body.replace("\r\n", "\n")
    assert ticket.events.get(kind="resolution-mail-queued").data["language"] == language


def test_english_and_spanish_notices_differ(ticket, agent, make_mail, deliver):
    ticket_resolve(ticket=ticket, actor=agent, note=NOTE)
    ticket_reopen(ticket=ticket, actor=agent)
    ticket.customer.language = "en"
    ticket.customer.save()
    ticket_resolve(ticket=ticket, actor=agent, note=NOTE)
    bodies = [
        _text(_parse(o.raw))
        for o in OutboundMessage.objects.filter(kind=OutboundKind.RESOLUTION).order_by("pk")
    ]
    assert len(bodies) == 2
    assert "Hola" in bodies[0]
    assert "Hello" in bodies[1]
    assert ticket.articles.filter(kind=ArticleKind.NOTE).count() == 2  # both resolutions kept


def test_mailbox_template_overrides_the_builtin_notice(ticket, agent):
    from ventanilla.mail.models import MailTemplate, MailTemplateKind

    MailTemplate.objects.create(
        mailbox=ticket.mailbox,
        kind=MailTemplateKind.RESOLUTION,
        language="es",
        subject="Cerrado: {{ ticket.subject }}",
        body="{{ customer_name }}, ya está. {{ mailbox.name }}",
    )
    ticket_resolve(ticket=ticket, actor=agent, note=NOTE)
    _outbound, mail = _resolution_mail(ticket)
    assert mail["Subject"] == f"[{ticket.number}] Cerrado: No puedo acceder a la intranet"
    assert _text(mail).strip() == ("Lucía Pérez, ya está. Soporte Empresa")


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("noreply@proveedor.es", "robot-recipient"),
        ("mailer-daemon@cliente.es", "robot-recipient"),
        ("soporte@empresa.es", "own-address"),
    ],
)
def test_no_resolution_mail_to_robots_or_our_own_address(ticket, agent, address, reason):
    # Such a customer can exist: robot senders open tickets (without an acknowledgement),
    # and an address can become one of our mailboxes later.
    Customer.objects.filter(pk=ticket.customer_id).update(email=address)
    ticket_resolve(ticket=ticket, actor=agent, note=NOTE)
    assert not OutboundMessage.objects.filter(kind=OutboundKind.RESOLUTION).exists()
    assert ticket.events.get(kind="resolution-mail-suppressed").data["reasons"] == [reason]
    assert Ticket.objects.get().status == TicketStatus.RESOLVED


def test_robot_sender_ticket_gets_no_resolution_mail(deliver, make_mail, agent):
    deliver(make_mail(sender="No Reply <no-reply@proveedor.es>"))
    ticket = Ticket.objects.get()
    ticket_resolve(ticket=ticket, actor=agent, note=NOTE)
    assert not OutboundMessage.objects.filter(ticket=ticket).exists()  # no ack, no notice


def test_agent_may_resolve_without_telling_the_customer(ticket, agent):
    ticket_resolve(ticket=ticket, actor=agent, note=NOTE, notify_customer=False)
    assert not OutboundMessage.objects.filter(kind=OutboundKind.RESOLUTION).exists()
    assert ticket.events.get(kind="resolution-mail-suppressed").data["reasons"] == ["agent"]


def test_full_path_open_pending_resolve_close_reopen(ticket, agent):
    ticket = ticket_open(ticket=ticket, actor=agent)
    ticket = ticket_set_pending(ticket=ticket, actor=agent)
    ticket = ticket_open(ticket=ticket, actor=agent)
    ticket = ticket_resolve(ticket=ticket, actor=agent, note=NOTE)
    ticket = ticket_close(ticket=ticket, actor=agent)
    assert ticket.closed_at is not None  # stamped by the SLA hook in ticket_transition
    ticket = ticket_reopen(ticket=ticket, actor=agent, reason="volvió a fallar")
    assert (ticket.resolved_at, ticket.closed_at) == (None, None)
    edges = list(ticket.events.filter(kind="status-changed").values_list("data__edge", flat=True))
    assert edges == ["open", "wait", "resume", "resolve", "close", "reopen"]
    assert (
        ticket.events.filter(kind="status-changed").latest("pk").data["reason"] == "volvió a fallar"
    )
    assert Ticket.objects.get().status == TicketStatus.OPEN


def test_closing_needs_a_resolved_ticket(ticket, agent):
    with pytest.raises(TicketStateError):
        ticket_close(ticket=ticket, actor=agent)
    assert Ticket.objects.get().status == TicketStatus.NEW


def test_reopen_only_from_resolved_or_closed(ticket, agent):
    ticket_open(ticket=ticket, actor=agent)
    with pytest.raises(ValidationError) as error:
        ticket_reopen(ticket=ticket, actor=agent)
    assert error.value.code == "reopen"


def _resolved(ticket, agent, *, days_ago: float):
    ticket_resolve(ticket=ticket, actor=agent, note=NOTE, notify_customer=False)
    when = timezone.now() - timedelta(days=days_ago)
    Ticket.objects.filter(pk=ticket.pk).update(resolved_at=when)
    return when


def test_auto_close_closes_only_tickets_resolved_long_enough_and_is_idempotent(
    deliver, make_mail, agent
):
    for index in range(3):
        deliver(make_mail(subject=f"Caso {index}"))
    old, recent, still_open = Ticket.objects.order_by("pk")
    now = timezone.now()
    _resolved(old, agent, days_ago=7.01)
    _resolved(recent, agent, days_ago=6.99)
    Ticket.objects.filter(pk=still_open.pk).update(resolved_at=now - timedelta(days=30))
    assert tickets_auto_close(now=now) == [old.number]
    assert tickets_auto_close(now=now) == []
    statuses = dict(Ticket.objects.values_list("number", "status"))
    assert statuses == {
        old.number: TicketStatus.CLOSED,
        recent.number: TicketStatus.RESOLVED,
        still_open.number: TicketStatus.NEW,
    }
    event = old.events.filter(kind="status-changed").latest("pk")
    assert (event.actor, event.data["edge"], event.data["reason"]) == (
        "system",
        "close",
        "auto-close",
    )


def test_auto_close_boundary_and_setting(ticket, agent):
    resolved_at = _resolved(ticket, agent, days_ago=3)
    with override_settings(VENTANILLA_AUTO_CLOSE_DAYS=3):
        assert tickets_auto_close(now=resolved_at + timedelta(days=3) - timedelta(seconds=1)) == []
        assert tickets_auto_close(now=resolved_at + timedelta(days=3)) == [ticket.number]


def test_periodic_task_runs_the_auto_close(ticket, agent):
    from ventanilla.tickets.tasks import tickets_auto_close_task

    _resolved(ticket, agent, days_ago=8)
    assert tickets_auto_close_task.call_local() == 1
    assert Ticket.objects.get().status == TicketStatus.CLOSED
