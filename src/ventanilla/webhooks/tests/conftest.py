"""Fixtures of the webhook tests: a loopback receiver, an admin, subscriptions, tickets."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.utils import timezone

from ventanilla.agents.models import Role
from ventanilla.agents.services import agent_create
from ventanilla.customers.services import customer_upsert_from_mail
from ventanilla.tickets.models import Ticket
from ventanilla.tickets.services import ticket_create_from_mail
from ventanilla.webhooks.cache import subscription_cache_clear
from ventanilla.webhooks.models import EventType, WebhookSubscription
from ventanilla.webhooks.services import SubscriptionFields, webhook_subscription_create
from ventanilla.webhooks.tests.receiver import Receiver

SECRET = "s3cr3t-de-prueba"


@pytest.fixture(autouse=True)
def _fresh_subscription_cache() -> Iterator[None]:
    """No test sees another's cached answer to "does anyone want this event?"."""
    subscription_cache_clear()
    yield
    subscription_cache_clear()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A real HTTP server on 127.0.0.1, recording what it is sent."""
    server = Receiver()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def admin_user(db):
    """An admin agent (superuser): the only one who may allow private network targets."""
    return agent_create(username="admin", email="admin@empresa.es", password=None, role=Role.ADMIN)


@pytest.fixture
def subscribe(admin_user) -> Callable[..., WebhookSubscription]:
    """Return a function subscribing a URL (private network allowed by the admin)."""

    def make(url: str, types: list[str] | None = None, **kw: object) -> WebhookSubscription:
        fields = SubscriptionFields(
            name=str(kw.pop("name", "CRM")),
            url=url,
            event_types=types or list(EventType.values),
            secret=SECRET,
            allow_private_network=bool(kw.pop("allow_private_network", True)),
        )
        return webhook_subscription_create(actor=admin_user, fields=fields)

    return make


@pytest.fixture
def new_ticket(mailbox) -> Callable[..., Ticket]:
    """Return a function creating a fresh ticket (status new) on the support mailbox."""
    counter = iter(range(1, 10_000))

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
