"""Fixtures of the outbound tests: SMTP sinks with and without SMTPUTF8, a queued mail, a ticket."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ventanilla.customers.services import customer_upsert_from_mail
from ventanilla.mail.models import OutboundKind
from ventanilla.outbound.tests.drafts import outbound_queue
from ventanilla.outbound.tests.support import _start_sink
from ventanilla.tickets.services import ticket_create_from_mail


@pytest.fixture
def sink(settings):
    """A relay without SMTPUTF8, like many (aiosmtpd's Controller offers it by default)."""
    handler, controller = _start_sink(settings, enable_SMTPUTF8=False)
    yield handler
    controller.stop()


@pytest.fixture
def utf8_sink(settings):
    """A relay that offers SMTPUTF8 (RFC 6531)."""
    handler, controller = _start_sink(settings, enable_SMTPUTF8=True)
    yield handler
    controller.stop()


@pytest.fixture
def queued(mailbox):
    """Queue one mail (in a test transaction on_commit does not fire: nothing sent yet)."""

    def _queue(to=("Lucía <lucia@cliente.es>",), cc=(), ticket=None):
        return outbound_queue(
            mailbox=mailbox,
            ticket=ticket,
            kind=OutboundKind.NOTIFICATION,
            to=list(to),
            cc=list(cc),
            subject="Prueba de envío",
            text="Hola\n",
        )

    return _queue


# --- Permanent failures are recorded on the ticket ---------------------------------------------


@pytest.fixture
def ticket(mailbox):
    customer = customer_upsert_from_mail(email="lucia@cliente.es", name="Lucía")
    return ticket_create_from_mail(
        mailbox=mailbox, customer=customer, subject="Hola", received_at=timezone.now(), language=""
    )
