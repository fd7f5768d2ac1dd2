"""Fixtures for end-to-end tests: our listener, a real SMTP sink as relay, an SMTP client.

Every server binds port 0 (the OS picks a free port), so parallel test workers never clash.
"""

from __future__ import annotations

import asyncio
import re
import smtplib
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


class _SinkHandler:
    """Keeps every message it receives, as aiosmtpd envelopes."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook)
        self.envelopes.append(envelope)
        return "250 OK"


class _PortZeroController(Controller):
    """aiosmtpd's Controller, taught to learn the port the OS picked for port 0."""

    def _trigger_server(self):
        if self.port == 0 and isinstance(self.server, asyncio.Server):
            self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@dataclass
class Sink:
    """A running SMTP sink: the relay our outbox sends through."""

    controller: Controller
    handler: _SinkHandler
    seen: int = field(default=0)

    @property
    def port(self) -> int:
        return self.controller.port

    def messages(self) -> list[tuple[list[str], EmailMessage]]:
        """Return (envelope recipients, parsed message) for everything received so far."""
        return [
            (list(e.rcpt_tos), message_from_bytes(e.original_content, policy=policy.default))
            for e in self.handler.envelopes
        ]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[tuple[list[str], EmailMessage]]:
        """Wait until at least ``count`` messages arrived; return them all."""
        deadline = time.monotonic() + timeout
        while len(self.handler.envelopes) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages()


@pytest.fixture
def sink():
    """An aiosmtpd sink on a free port."""
    handler = _SinkHandler()
    controller = _PortZeroController(handler, hostname="127.0.0.1", port=0)
    controller.start()
    yield Sink(controller, handler)
    controller.stop()


@pytest.fixture
def relay(settings, sink):
    """Point the outbox at the sink (no TLS, no auth)."""
    from ventanilla.config import Relay

    settings.VENTANILLA_RELAY = Relay(
        host="127.0.0.1", port=sink.port, user="", password="", starttls=False, timeout=10
    )
    return sink


@pytest.fixture
def smtp_listener(relay):
    """Our SMTP listener on a free port, with the outbox relaying to the sink."""
    from ventanilla.intake.smtp import start_smtp_listener

    listener = start_smtp_listener("127.0.0.1", 0)
    yield listener
    listener.stop()


def crlf(raw: bytes) -> bytes:
    """Return ``raw`` with CRLF line ends, as SMTP carries it (RFC 5321 §2.3.8)."""
    return re.sub(rb"\r?\n", b"\r\n", raw)


@dataclass
class Client:
    """Talks SMTP to our listener, like a customer's mail server would."""

    port: int

    def connect(self) -> smtplib.SMTP:
        return smtplib.SMTP("127.0.0.1", self.port, timeout=30)

    def send(self, raw: bytes, *, rcpt: str = "soporte@empresa.es", sender: str = "") -> str:
        """Send ``raw`` and return the server's final reply to DATA (raises on refusal)."""
        parsed = message_from_bytes(raw, policy=policy.default)
        mail_from = sender or parsed["From"].addresses[0].addr_spec
        with self.connect() as smtp:
            smtp.ehlo()
            code, reply = smtp.mail(mail_from)
            assert code == 250, reply
            code, reply = smtp.rcpt(rcpt)
            if code != 250:
                raise smtplib.SMTPRecipientsRefused({rcpt: (code, reply)})
            code, reply = smtp.data(crlf(raw))
            if code != 250:
                raise smtplib.SMTPDataError(code, reply)
            return reply.decode()


@pytest.fixture
def client(smtp_listener):
    """An SMTP client connected to our listener."""
    return Client(smtp_listener.port)


def child_database_url() -> str:
    """The URL of the database this test runs on, for a child process (``ventanilla ...``)."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
