"""Priority: the matrix, the explainable suggestion rules, an agent's decision and the SLA."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from ventanilla.customers.models import Customer, Organisation
from ventanilla.tickets.models import PriorityCell, TicketEvent
from ventanilla.tickets.priority import (
    priority_for,
    priority_suggest,
    ticket_set_priority,
)
from ventanilla.tickets.tests.sla_fixtures import (  # noqa: F401
    make_ticket_fixture,
    sla_defaults_fixture,
)
from ventanilla.tickets.triage_rules import RULES, negated, normalise, rule_description

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sla_defaults")]
MADRID = ZoneInfo("Europe/Madrid")


def suggest(subject="", text="", tier="", headers=None, organisation=None):
    customer = Customer(email="x@cliente.es", tier=tier, organisation=organisation)
    return priority_suggest(subject=subject, text=text, customer=customer, headers=headers or {})


def test_the_matrix_is_read_from_the_rows_and_edits_apply_at_once():
    assert priority_for(urgency="high", impact="high") == 1
    assert priority_for(urgency="medium", impact="medium") == 3
    assert priority_for(urgency="low", impact="low") == 4
    assert priority_for(urgency="", impact="") == 3  # blank = medium
    cell = PriorityCell.objects.get(urgency="medium", impact="medium")
    cell.priority = 2
    cell.save()  # the signal clears the cached snapshot
    assert priority_for(urgency="medium", impact="medium") == 2
    cell.delete()  # a missing cell falls back to the seeded grid
    assert priority_for(urgency="medium", impact="medium") == 3


def test_nothing_said_means_medium_medium():
    result = suggest("Consulta sobre facturas", "¿Me podéis enviar la factura de octubre?")
    assert (result.urgency, result.impact, result.priority, result.reasons) == (
        "medium",
        "medium",
        3,
        [],
    )


@pytest.mark.parametrize(
    ("subject", "text", "urgency", "impact", "priority"),
    [
        ("URGENTE: el servidor está caído", "", "high", "high", 1),
        ("Servidor CAIDO", "", "high", "high", 1),  # no accent, upper case
        ("", "Production is down for all users, please help ASAP", "high", "high", 1),
        ("No puedo imprimir", "Solo me pasa a mí, el resto imprime bien.", "high", "low", 3),
        ("Duda", "No es urgente, cuando puedas me dices.", "low", "medium", 4),
        ("Question", "This is not urgent at all.", "low", "medium", 4),
        ("Error", "No funciona, es urgente.", "high", "medium", 2),  # the comma ends "no"
        ("Download link", "Where can I download the invoice?", "medium", "medium", 3),
        ("Serverless", "Question about serverless pricing", "medium", "medium", 3),
    ],
)
def test_keyword_rules(subject, text, urgency, impact, priority):
    result = suggest(subject, text)
    assert (result.urgency, result.impact, result.priority) == (urgency, impact, priority)


def test_every_reason_names_its_rule_the_text_and_the_axis():
    result = suggest("URGENTE", "Toda la empresa está sin correo.")
    assert result.reasons == [
        {"rule": "hurry-words", "text": "«URGENTE»", "sets": "urgency", "level": "high"},
        {"rule": "wide-impact", "text": "«Toda la empresa»", "sets": "impact", "level": "high"},
    ]
    assert result.as_json()["reasons"] == result.reasons
    assert {rule.name for rule in RULES} >= {r["rule"] for r in result.reasons}
    assert rule_description("hurry-words") != "hurry-words"


def test_negation_in_the_same_clause_only():
    text = normalise("ya no es urgente; pero hoy es urgente")
    first, second = (i for i in range(len(text)) if text.startswith("urgente", i))
    assert negated(text, first)
    assert not negated(text, second)
    assert suggest("", "Nada urgente, gracias").urgency == "low"
    assert suggest("", "It isn't urgent").urgency == "medium"


@pytest.mark.parametrize(
    ("headers", "urgency"),
    [
        ({"X-Priority": "1 (Highest)"}, "high"),
        ({"X-Priority": "2"}, "high"),
        ({"X-Priority": "3 (Normal)"}, "medium"),
        ({"X-Priority": "5 (Lowest)"}, "low"),
        ({"Importance": "High"}, "high"),
        ({"importance": "low"}, "low"),
        ({"Priority": "urgent"}, "high"),
        ({"Priority": "non-urgent"}, "low"),
        ({"X-MSMail-Priority": "High"}, "high"),
    ],
)
def test_priority_headers_move_urgency(headers, urgency):
    result = suggest("Consulta", "Hola", headers=headers)
    assert result.urgency == urgency
    if urgency != "medium":
        assert result.reasons[0]["rule"] == "priority-headers"


def test_a_high_keyword_beats_a_low_header():
    result = suggest("El servidor está caído", "", headers={"X-Priority": "5"})
    assert result.urgency == "high"
    assert [r["level"] for r in result.reasons if r["sets"] == "urgency"] == ["high", "low"]


def test_the_service_tier_moves_impact_one_step():
    assert suggest("Consulta", "", tier="premium").impact == "high"
    assert suggest("Consulta", "", tier="basic").impact == "low"
    assert suggest("Consulta", "", tier="standard").impact == "medium"
    # Premium raises a single-user problem to medium; basic never undoes "production".
    assert suggest("Solo a mí", "", tier="premium").impact == "medium"
    outage = suggest("Producción parada", "", tier="basic")
    assert outage.impact == "high"
    assert [r["rule"] for r in outage.reasons] == ["wide-impact"]  # the tier did not count
    reason = suggest("Consulta", "", tier="premium").reasons[0]
    assert reason == {"rule": "service-tier", "text": "premium", "sets": "impact", "level": "+1"}


def test_the_organisation_tier_applies_when_the_customer_has_none():
    org = Organisation.objects.create(name="Grande", domain="grande.es", tier="premium")
    assert suggest("Consulta", "", organisation=org).impact == "high"
    assert suggest("Consulta", "", tier="basic", organisation=org).impact == "low"


def test_an_agent_sets_urgency_and_impact_and_the_sla_is_recomputed(make_ticket, make_agent):
    ana = make_agent("ana")
    ticket = make_ticket(datetime(2026, 11, 24, 10, 0, tzinfo=MADRID), priority=3)
    from ventanilla.tickets.sla import ticket_sla_start

    ticket_sla_start(ticket=ticket)
    # P3: 240 min from Tuesday 10:00 ends exactly at closing for lunch.
    assert ticket.first_response_due_at == datetime(2026, 11, 24, 14, 0, tzinfo=MADRID)

    ticket = ticket_set_priority(ticket=ticket, urgency="high", impact="high", actor=ana)
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.triaged) == (1, True)
    assert ticket.first_response_due_at == datetime(2026, 11, 24, 10, 30, tzinfo=MADRID)
    assert ticket.resolution_due_at == datetime(2026, 11, 24, 14, 0, tzinfo=MADRID)  # 240 min
    event = TicketEvent.objects.get(ticket=ticket, kind="priority-set")
    assert event.actor == "ana"
    assert event.data["previous"]["priority"] == 3
    assert event.data["priority"] == 1

    with pytest.raises(ValidationError):
        ticket_set_priority(ticket=ticket, urgency="critical", impact="high", actor=ana)


def test_a_priority_change_keeps_the_paused_minutes(make_ticket):
    from ventanilla.tickets.sla import ticket_sla_start

    ticket = make_ticket(datetime(2026, 11, 24, 10, 0, tzinfo=MADRID), priority=2)
    ticket_sla_start(ticket=ticket)  # P2: resolution 480 min → Wednesday 10:00
    assert ticket.resolution_due_at == datetime(2026, 11, 25, 10, 0, tzinfo=MADRID)
    # As if 60 business minutes of waiting on the customer had been added.
    ticket.resolution_due_at = datetime(2026, 11, 25, 11, 0, tzinfo=MADRID)
    ticket.save()
    ticket = ticket_set_priority(ticket=ticket, urgency="high", impact="high", actor=None)
    # P1: 240 + the 60 paused minutes from Tuesday 10:00 → 16:00 (lunch skipped).
    assert ticket.resolution_due_at == datetime(2026, 11, 24, 16, 0, tzinfo=MADRID)


def test_a_ticket_without_a_clock_keeps_none_when_its_priority_changes(make_ticket):
    ticket = make_ticket(datetime(2019, 3, 4, 10, 0, tzinfo=MADRID), priority=3)  # imported
    ticket = ticket_set_priority(ticket=ticket, urgency="high", impact="high", actor=None)
    assert ticket.priority == 1
    assert ticket.first_response_due_at is None
    assert ticket.resolution_due_at is None
