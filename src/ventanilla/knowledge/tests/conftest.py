"""Fixtures of the knowledge tests: agents by role and a resolved ticket full of personal data."""

from __future__ import annotations

import pytest
from django.utils import timezone


@pytest.fixture
def writers(make_agent):
    """One login per role: an agent, a supervisor, an admin."""
    return {
        "agent": make_agent("ana"),
        "supervisor": make_agent("sara", role="supervisor"),
        "admin": make_agent("adan", role="admin"),
    }


@pytest.fixture
def resolved_ticket(mailbox, writers):
    """A resolved ticket whose subject, first mail and note name people and data."""
    from ventanilla.customers.models import Customer, Organisation
    from ventanilla.tickets.models import Article, Participant, Tag, Ticket

    organisation = Organisation.objects.create(name="Acme Logística S.L.", domain="acme.es")
    customer = Customer.objects.create(
        email="maria.garcia@acme.es", name="María García López", organisation=organisation
    )
    now = timezone.now()
    ticket = Ticket.objects.create(
        number="SOP-2026-00042",
        mailbox=mailbox,
        customer=customer,
        subject="RE: [SOP-2026-00042] Acme: la VPN no conecta desde casa de María",
        status="resolved",
        received_at=now,
        last_activity_at=now,
        language="es",
        resolution_note=(
            "Se reinstaló el cliente VPN. Llamé a María al 600 123 456 y a Pedro Ruiz "
            "al 912 345 678; la factura va al IBAN ES91 2100 0418 4502 0005 1332."
        ),
    )
    ticket.tags.add(Tag.objects.create(name="vpn"))
    Participant.objects.create(ticket=ticket, email="pedro.ruiz@acme.es", name="Pedro Ruiz")
    Article.objects.create(
        ticket=ticket,
        direction="in",
        kind="mail",
        sender_email=customer.email,
        sender_name="María García",
        subject=ticket.subject,
        text="Hola,\nno conecta.\n\n> Texto citado SECRETO-CITADO\n",
        new_text=(
            "Hola, soy María García de Acme Logística. La VPN no conecta desde "
            "C/ Mayor 5, 3º B, 28013 Madrid. Mi DNI es 12345678Z y mi NIE X1234567L; "
            "escríbanme a maria.garcia@acme.es o a mi otra dirección mgl@gmail.com.\n"
            "Un saludo,\nMaría"
        ),
    )
    return ticket
