"""Fixtures for API tests: two teams, one login per role, their tokens, tickets built directly."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

_numbers = itertools.count(1)


@pytest.fixture
def teams(db):
    """Team A (our agent's queue) and team B (somebody else's)."""
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
def tokens(people):
    """A write token per role, plus the agent's read-only, revoked and expired tokens."""
    from ventanilla.agents.token_services import api_token_create, api_token_revoke

    made = {
        role: api_token_create(user=user, name=role, scope="write").secret
        for role, user in people.items()
    }
    agent = people["agent"]
    made["readonly"] = api_token_create(user=agent, name="ro", scope="read").secret
    revoked = api_token_create(user=agent, name="old", scope="write")
    api_token_revoke(user=agent, token_id=revoked.token.pk)
    made["revoked"] = revoked.secret
    made["expired"] = api_token_create(
        user=agent, name="exp", scope="write", expires_at=timezone.now() - timedelta(seconds=1)
    ).secret
    return made


@pytest.fixture
def api_client():
    """``api_client(secret)``: a test client sending ``Authorization: Bearer <secret>``."""

    def make(secret: str | None) -> Client:
        if secret is None:
            return Client()
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    return make


@pytest.fixture
def make_ticket(mailbox):
    """Create a ticket with one inbound article: ``make_ticket(team=..., **fields)``."""
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
            text="Hola,\nla VPN no conecta.\n",
            new_text="Hola,\nla VPN no conecta.",
        )
        return ticket

    return make
