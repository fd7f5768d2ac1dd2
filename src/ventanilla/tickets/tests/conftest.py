"""Fixtures of the ticket tests: fresh tickets on the support mailbox."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ventanilla.customers.services import customer_upsert_from_mail
from ventanilla.tickets.models import Ticket
from ventanilla.tickets.services import ticket_create_from_mail


@pytest.fixture
def new_ticket(mailbox):
    """Return a function creating a fresh ticket (status new) on the support mailbox."""
    counter = iter(range(1, 1000))

    def make(subject: str = "No puedo entrar") -> Ticket:
        n = next(counter)
        customer = customer_upsert_from_mail(email=f"cliente{n}@cliente.es", name=f"Cliente {n}")
        return ticket_create_from_mail(
            mailbox=mailbox,
            customer=customer,
            subject=subject,
            received_at=timezone.now(),
            language="es",
        )

    return make
