"""The ``triage`` step: suggestion, SLA due dates and routing for new tickets only."""

from __future__ import annotations

import pytest

from ventanilla.agents.models import AssignmentPolicy
from ventanilla.agents.services import team_create
from ventanilla.pipeline.handlers.triage import Triage
from ventanilla.tickets.models import TicketEvent
from ventanilla.tickets.tests.sla_fixtures import sla_defaults_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sla_defaults")]


def test_a_new_ticket_gets_the_suggestion_and_its_due_dates(deliver, make_mail):
    inbound = deliver(
        make_mail(subject="URGENTE: servidor caído", body="Nadie puede entrar al ERP.\n"),
        send_ack=False,
    )
    ticket = inbound.ticket
    assert ticket is not None
    assert (ticket.urgency, ticket.impact, ticket.priority, ticket.triaged) == (
        "high",
        "high",
        1,
        False,
    )
    rules = [reason["rule"] for reason in ticket.suggestion["reasons"]]
    assert rules == ["hurry-words", "work-stopped", "wide-impact"]
    assert ticket.suggestion["priority"] == 1
    assert ticket.first_response_due_at is not None
    assert ticket.resolution_due_at is not None
    assert ticket.first_response_due_at < ticket.resolution_due_at
    kinds = set(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert {"triage-suggested", "sla-started"} <= kinds


def test_quoted_history_does_not_count(deliver, make_mail):
    body = (
        "Gracias, ya funciona. Solo quería confirmarlo.\n\n"
        "El lun, 23 nov 2026 a las 10:00, Soporte <soporte@empresa.es> escribió:\n"
        "> URGENTE: el servidor de producción está caído\n"
        "> no funciona nada\n"
    )
    ticket = deliver(make_mail(subject="Confirmación", body=body), send_ack=False).ticket
    assert ticket is not None
    assert (ticket.urgency, ticket.impact) == ("medium", "medium")
    assert ticket.suggestion["reasons"] == []


def test_the_priority_header_is_read_from_the_mail(deliver, make_mail):
    raw = make_mail(subject="Consulta", body="Hola.\n", headers={"X-Priority": "1 (Highest)"})
    ticket = deliver(raw, send_ack=False).ticket
    assert ticket is not None
    assert ticket.urgency == "high"
    assert ticket.suggestion["reasons"][0]["text"] == "x-priority: 1 (Highest)"


def test_a_reply_is_not_triaged_again(deliver, make_mail):
    first = deliver(make_mail(message_id="<a1@cliente.es>"), send_ack=False).ticket
    assert first is not None
    before = TicketEvent.objects.filter(ticket=first, kind="triage-suggested").count()
    reply = make_mail(
        subject=f"Re: [{first.number}] No puedo acceder",
        body="Ahora es URGENTE, todos los usuarios afectados.\n",
        in_reply_to="<a1@cliente.es>",
        references="<a1@cliente.es>",
    )
    assert deliver(reply, send_ack=False).ticket_id == first.pk
    first.refresh_from_db()
    assert TicketEvent.objects.filter(ticket=first, kind="triage-suggested").count() == before
    assert first.impact == "medium"


def test_new_tickets_are_routed_to_the_mailbox_team(deliver, make_mail, mailbox, make_agent):
    team = team_create(name="Sistemas", policy=AssignmentPolicy.ROUND_ROBIN)
    ana = make_agent("ana", teams=[team])
    mailbox.team = team
    mailbox.save()
    ticket = deliver(make_mail(), send_ack=False).ticket
    assert ticket is not None
    assert ticket.team == team
    assert ticket.assignee == ana


def test_imported_history_gets_no_clock(deliver, make_mail):
    ticket = deliver(make_mail(subject="Servidor caído"), send_ack=False, source="import").ticket
    assert ticket is not None
    assert ticket.urgency == "high"
    assert ticket.first_response_due_at is None
    assert not TicketEvent.objects.filter(ticket=ticket, kind="sla-started").exists()


def test_the_step_ignores_a_context_without_a_new_ticket(make_ctx, make_mail):
    ctx = make_ctx(make_mail())
    Triage().process(ctx)
    assert ctx.ticket is None
    assert not TicketEvent.objects.exists()
