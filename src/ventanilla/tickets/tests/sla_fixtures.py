"""Fixtures for priority and SLA tests: the seeded configuration and tickets at given times.

Transactional tests flush every table, seeded rows included, so tests that rely on the
matrix, the SLA targets or the calendar seed them again with the migration's own function.
Import ``sla_defaults_fixture`` / ``make_ticket_fixture`` into a test module (``# noqa: F401``)
and use them by their fixture names ``sla_defaults`` / ``make_ticket``.
"""

from __future__ import annotations

import importlib
from datetime import datetime

import pytest
from django.apps import apps


@pytest.fixture(name="sla_defaults")
def sla_defaults_fixture(db):
    """The seeded matrix, P1–P4 targets and the Spanish calendar (idempotent)."""
    from ventanilla.tickets.sla_config import sla_config_clear

    seed = importlib.import_module("ventanilla.tickets.migrations.0003_seed_priority_sla").seed
    seed(apps, None)
    sla_config_clear()


@pytest.fixture(name="make_ticket")
def make_ticket_fixture(mailbox):
    """Return ``make(received_at, priority=3, email=...)`` creating a ticket without mail."""
    from ventanilla.customers.services import customer_upsert_from_mail
    from ventanilla.tickets.services import ticket_create_from_mail

    def make(received_at: datetime, *, priority: int = 3, email: str = "lucia@cliente.es"):
        customer = customer_upsert_from_mail(email=email, name="Lucía")
        ticket = ticket_create_from_mail(
            mailbox=mailbox,
            customer=customer,
            subject="La VPN no conecta",
            received_at=received_at,
            language="es",
        )
        ticket.priority = priority
        ticket.save(update_fields=["priority"])
        return ticket

    return make
