"""Fixtures for workspace tests: two teams, one login per role, tickets built directly.

Tickets here are set up with the ORM (fast, exact); the flow tests that need the real path of
a mail use the root ``deliver`` fixture or SMTP.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

PASSWORD = "secret-pass-123"
_numbers = itertools.count(1)


@pytest.fixture
def teams(db):
    """Team A (where our agent works) and team B (somebody else's queue)."""
    from ventanilla.agents.services import team_create

    return team_create(name="Equipo A"), team_create(name="Equipo B")


@pytest.fixture
def people(make_agent, teams):
    """One login per role: agent (team A), other (team B), supervisor, admin."""
    team_a, team_b = teams
    return {
        "agent": make_agent("ana", teams=[team_a]),
        "other": make_agent("oscar", teams=[team_b]),
        "supervisor": make_agent("sara", role="supervisor"),
        "admin": make_agent("adan", role="admin"),
    }


@pytest.fixture
def make_ticket(mailbox):
    """Create a ticket: ``make_ticket(team=..., subject=..., **fields)``; one inbound article."""
    from ventanilla.customers.models import Customer
    from ventanilla.tickets.models import Article, Ticket

    def make(*, email: str = "lucia@cliente.es", subject: str = "No funciona la VPN", **fields):
        customer, _ = Customer.objects.get_or_create(email=email, defaults={"name": "Lucía"})
        now = timezone.now() - timedelta(minutes=next(_numbers))
        ticket = Ticket.objects.create(
            number=f"SOP-2026-{next(_numbers):05d}",
            mailbox=mailbox,
            customer=customer,
            subject=subject,
            received_at=now,
            last_activity_at=now,
            language="es",
            **fields,
        )
        Article.objects.create(
            ticket=ticket,
            direction="in",
            kind="mail",
            sender_email=email,
            sender_name="Lucía",
            subject=subject,
            message_id=f"<{ticket.number}@cliente.es>",
            text="Hola,\nla VPN no conecta.\n\n> texto citado\n",
            new_text="Hola,\nla VPN no conecta.",
            html='<p>Hola</p><img data-remote-src="https://tracker.example/p.gif" alt="x">',
        )
        return ticket

    return make


@pytest.fixture
def login(client):
    """Log ``client`` in as a user (``force_login``: the login form has its own tests)."""

    def do(user):
        if user is not None:
            client.force_login(user)
        return client

    return do
