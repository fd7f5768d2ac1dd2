"""Canned responses: variables, the tag-less sandbox, and which ones an agent is offered."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ventanilla.agents.services import team_create
from ventanilla.customers.services import customer_upsert_from_mail
from ventanilla.tickets.assignment import ticket_set_team
from ventanilla.tickets.canned import canned_for, canned_render
from ventanilla.tickets.models import CannedResponse
from ventanilla.tickets.services import ticket_create_from_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(mailbox):
    customer = customer_upsert_from_mail(email="obrien@cliente.es", name="Seán O'Brien & Co")
    return ticket_create_from_mail(
        mailbox=mailbox,
        customer=customer,
        subject="La <impresora> no imprime",
        received_at=timezone.now(),
        language="en",
    )


def test_variables_are_filled_in_as_plain_text(ticket, make_agent):
    ana = make_agent("ana", first_name="Ana", last_name="Ruiz")
    canned = CannedResponse.objects.create(
        title="Saludo",
        language="es",
        body=(
            "Hola {{ customer_name }},\n"
            "sobre {{ ticket_number }} ({{ subject }}): {{ agent_name|upper }} le ayuda."
            "{{ unknown }}"
        ),
    )
    text = canned_render(canned=canned, ticket=ticket, agent=ana)
    assert text == (
        f"Hola Seán O'Brien & Co,\nsobre {ticket.number} (La <impresora> no imprime): "
        "ANA RUIZ le ayuda."
    )


def test_agent_without_full_name_and_customer_without_name(mailbox, make_agent):
    customer = customer_upsert_from_mail(email="x@cliente.es", name="")
    ticket = ticket_create_from_mail(
        mailbox=mailbox, customer=customer, subject="", received_at=timezone.now(), language=""
    )
    canned = CannedResponse(title="t", language="es", body="{{ customer_name }}/{{ agent_name }}")
    assert canned_render(canned=canned, ticket=ticket, agent=make_agent("bea")) == (
        "x@cliente.es/bea"
    )


@pytest.mark.parametrize(
    "body",
    [
        "{% load static %}{% static 'x' %}",
        '{% include "mail/ack_body.txt" %}',
        "{% debug %}",
        "{% if 1 %}x{% endif %}",
        "{{ customer_name.__class__ }}",
    ],
)
def test_tags_are_refused(ticket, make_agent, body):
    canned = CannedResponse(title="Malo", language="es", body=body)
    with pytest.raises(ValidationError, match="Malo"):
        canned_render(canned=canned, ticket=ticket, agent=make_agent("ana"))


def test_canned_for_offers_global_team_and_own_ones_in_the_ticket_language_first(
    ticket, make_agent
):
    soporte = team_create(name="Soporte")
    redes = team_create(name="Redes")
    ventas = team_create(name="Ventas")
    ana = make_agent("ana", teams=[redes])
    ticket_set_team(ticket=ticket, team=soporte, actor=None)
    for title, language, team in [
        ("A global es", "es", None),
        ("B global en", "en", None),
        ("C soporte es", "es", soporte),
        ("D redes en", "en", redes),
        ("E ventas en", "en", ventas),
    ]:
        CannedResponse.objects.create(title=title, language=language, body="x", team=team)

    titles = [c.title for c in canned_for(ticket=ticket, agent=ana)]

    assert titles == ["B global en", "D redes en", "A global es", "C soporte es"]
