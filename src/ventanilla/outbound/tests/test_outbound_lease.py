"""The outbox lease: renewed while a slow relay conversation lasts, cleared by the outcome.

With the lease shortened to a second (the heartbeat to a fifth of one), a relay that holds its
answer to DATA for three leases' worth of time must not let another worker take the row:
the heartbeat keeps it. The sweep's watch lists only leases that stop moving.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.db import connections
from django.utils import timezone

from ventanilla.config import Relay
from ventanilla.mail.models import OutboundKind, OutboundMessage, OutboundState
from ventanilla.outbound import lease, send

pytestmark = pytest.mark.django_db(transaction=True)


class SlowRelay:
    """Accepts everything, but answers DATA only after ``hold`` seconds."""

    def __init__(self, hold: float) -> None:
        self.hold = hold
        self.accepted: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook
        await asyncio.sleep(self.hold)
        self.accepted.append(envelope.original_content)
        return "250 2.0.0 queued"


@pytest.fixture
def slow_relay(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sink = SlowRelay(hold=3.0)
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.VENTANILLA_RELAY = Relay(
        host="127.0.0.1", port=port, user="", password="", starttls=False, timeout=10
    )
    yield sink
    controller.stop()


@pytest.fixture
def short_lease(monkeypatch):
    monkeypatch.setattr(lease, "LEASE_SECONDS", 1.0)
    monkeypatch.setattr(lease, "HEARTBEAT_SECONDS", 0.2)
    monkeypatch.setattr(send, "DUE_TOLERANCE_SECONDS", 0.1)  # kept below the lease, as it is


def test_slow_conversation_keeps_its_row(mailbox, slow_relay, short_lease):
    row = OutboundMessage.objects.create(
        mailbox=mailbox,
        kind=OutboundKind.NOTIFICATION,
        envelope_from="soporte@empresa.es",
        recipients=["lucia@cliente.es"],
        subject="Aviso",
        message_id="aviso-1@empresa.es",
        raw=b"From: soporte@empresa.es\r\nMessage-ID: <aviso-1@empresa.es>\r\n\r\nHola\r\n",
    )
    results: list[str] = []

    def first_worker() -> None:
        try:
            results.append(send.outbound_deliver(outbound_id=row.pk))
        finally:
            connections.close_all()

    worker = threading.Thread(target=first_worker)
    worker.start()
    time.sleep(2.0)  # twice the lease: without renewal the row would look abandoned
    assert lease.outbound_leases_ending(within_seconds=0.5) == []  # still being pushed ahead
    assert send.outbound_deliver(outbound_id=row.pk) == "skipped"  # a second worker
    worker.join()
    assert results == [OutboundState.SENT]
    assert len(slow_relay.accepted) == 1
    row.refresh_from_db()
    assert (row.state, row.attempts, row.leased_until) == (OutboundState.SENT, 1, None)


def test_abandoned_lease_is_listed_and_then_due(mailbox, short_lease):
    row = OutboundMessage.objects.create(
        mailbox=mailbox,
        kind=OutboundKind.NOTIFICATION,
        envelope_from="soporte@empresa.es",
        recipients=["lucia@cliente.es"],
        subject="Aviso",
        message_id="aviso-2@empresa.es",
        raw=b"Message-ID: <aviso-2@empresa.es>\r\n\r\nHola\r\n",
    )
    assert send._claim(row.pk) is not None  # a worker took it, then died (nobody renews)
    [(listed, seconds)] = lease.outbound_leases_ending(within_seconds=60)
    assert listed == row.pk
    assert 0 <= seconds <= 1.0
    assert send.outbound_due() == []  # not yet: the lease still runs
    OutboundMessage.objects.filter(pk=row.pk).update(
        leased_until=timezone.now() - timedelta(seconds=1),
        next_attempt_at=timezone.now() - timedelta(seconds=1),
    )
    assert send.outbound_due() == [row.pk]
