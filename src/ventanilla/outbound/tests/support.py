"""Helpers of the sending tests: a real SMTP sink (aiosmtpd on 127.0.0.1) and outbox row helpers."""

from __future__ import annotations

import socket
from datetime import timedelta

from aiosmtpd.controller import Controller
from django.utils import timezone

from ventanilla.config import Relay
from ventanilla.mail.models import OutboundMessage
from ventanilla.tickets.models import TicketEvent


class Sink:
    """An SMTP server that stores what it accepts, and answers with queued replies first."""

    def __init__(self):
        self.accepted = []
        self.data_replies: list[str] = []
        self.refuse: dict[str, str] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook name
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.data_replies:
            return self.data_replies.pop(0)
        self.accepted.append(envelope)
        return "250 2.0.0 queued"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _relay(port: int) -> Relay:
    return Relay(host="127.0.0.1", port=port, user="", password="", starttls=False, timeout=5)


def _start_sink(settings, **smtp_parameters):
    handler = Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port(), **smtp_parameters)
    controller.start()
    settings.VENTANILLA_RELAY = _relay(controller.port)
    return handler, controller


def _state(row):
    row.refresh_from_db()
    return row


def _make_due(row):
    # Stands in for the passage of time: the backoff has elapsed.
    OutboundMessage.objects.filter(pk=row.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def _failed_events(ticket):
    return list(TicketEvent.objects.filter(ticket=ticket, kind="outbound-failed"))
