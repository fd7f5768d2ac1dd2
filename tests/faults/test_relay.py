"""The outgoing relay refuses (4xx), then vanishes, then returns: every mail goes exactly once.

End to end: customers' mails arrive through ``ingest_raw`` and are processed (huey eager),
their acknowledgements are queued in the outbox and sent to a real aiosmtpd relay on a
loopback port. The relay answers 451 at DATA, then 421 at MAIL, then is stopped (port
closed), then comes back on the same port. Between rounds the periodic ``outbox_flush``
task runs as the worker would; the retry times are moved forward instead of waiting for
them, and the waits must grow (exponential backoff). A 5xx answer is permanent: the row is
``failed`` with the relay's words, the ticket gets an ``outbound-failed`` event, and the
admin's outbox list shows it.
"""

from __future__ import annotations

import socket
from collections import Counter
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from ventanilla.config import Relay
from ventanilla.mail.models import OutboundMessage, OutboundState
from ventanilla.outbound.send import BASE_DELAY_SECONDS
from ventanilla.outbound.tasks import outbox_flush
from ventanilla.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db(transaction=True)

CUSTOMERS = 5


class SwitchableRelay:
    """An SMTP relay that accepts, or answers ``reply`` (at MAIL or DATA), or is switched off."""

    def __init__(self) -> None:
        self.accepted: Counter[str] = Counter()  # Message-ID (no <>) -> times accepted (250)
        self.mail_reply = ""
        self.data_reply = ""
        self.controller: Controller | None = None
        self.port = 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802 - aiosmtpd hook
        if self.mail_reply:
            return self.mail_reply
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook
        if self.data_reply:
            return self.data_reply
        mail = message_from_bytes(envelope.original_content, policy=policy.default)
        self.accepted[str(mail["Message-ID"]).strip("<>")] += 1
        return "250 2.0.0 queued"

    def start(self) -> None:
        """Listen on ``port`` (the same one each time, as a relay coming back would)."""
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        """Close the port: connections are refused until ``start``."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def relay(settings):
    """The switchable relay on a free port, configured as the outbox's relay."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sink = SwitchableRelay()
    sink.port = port
    sink.start()
    settings.VENTANILLA_RELAY = Relay(
        host="127.0.0.1", port=port, user="", password="", starttls=False, timeout=5
    )
    yield sink
    sink.stop()


def _rows() -> list[OutboundMessage]:
    return list(OutboundMessage.objects.order_by("pk"))


def _make_due() -> None:
    """Move every retry to now: what waiting out the backoff would do."""
    OutboundMessage.objects.filter(state=OutboundState.QUEUED).update(
        next_attempt_at=timezone.now()
    )


def _flush_round(expected_attempts: int, error: str) -> list[float]:
    """Run the periodic flush once; every row must fail again: return the new waits (s)."""
    _make_due()
    before = timezone.now()
    outbox_flush()
    waits = []
    for row in _rows():
        assert row.state == OutboundState.QUEUED
        assert row.attempts == expected_attempts
        assert error in row.last_error, row.last_error
        waits.append((row.next_attempt_at - before).total_seconds())
    return waits


def _ceiling(attempts: int) -> float:
    return float(BASE_DELAY_SECONDS * 2 ** (attempts - 1))


def test_relay_refusing_then_gone_then_back_delivers_each_mail_once(relay, deliver, make_mail):
    relay.data_reply = "451 4.3.0 Try again later"
    for n in range(CUSTOMERS):
        deliver(make_mail(sender=f"Cliente {n} <c{n}@cliente.es>", subject=f"Consulta {n}"))
    assert Ticket.objects.count() == CUSTOMERS
    rows = _rows()
    assert len(rows) == CUSTOMERS
    # The first try ran on commit and was refused: backing off ~30 s.
    assert all(r.attempts == 1 and "451" in r.last_error for r in rows)
    assert all(r.next_attempt_at > timezone.now() for r in rows)
    # Not yet due: the flush leaves them alone.
    outbox_flush()
    assert [r.attempts for r in _rows()] == [1] * CUSTOMERS

    relay.data_reply = ""
    relay.mail_reply = "421 4.3.2 Service not available, closing channel"
    waits_2 = _flush_round(2, "421")
    relay.mail_reply = ""
    relay.stop()
    waits_3 = _flush_round(3, "ConnectionRefusedError")
    waits_4 = _flush_round(4, "ConnectionRefusedError")
    # Exponential backoff with equal jitter: between half and all of 30 s * 2^(n-1).
    for attempts, waits in ((2, waits_2), (3, waits_3), (4, waits_4)):
        assert all(_ceiling(attempts) / 2 - 1 <= w <= _ceiling(attempts) + 1 for w in waits), waits
    assert min(waits_4) > max(waits_2)
    assert not relay.accepted

    relay.start()
    outbox_flush()  # back, but nothing is due yet: the backoff holds
    assert not relay.accepted
    _make_due()
    outbox_flush()
    rows = _rows()
    assert {r.state for r in rows} == {OutboundState.SENT}
    assert relay.accepted == Counter({r.message_id: 1 for r in rows})
    # Later sweeps (and the delayed retry tasks, when they fire) send nothing again.
    OutboundMessage.objects.update(next_attempt_at=timezone.now())
    outbox_flush()
    assert relay.accepted == Counter({r.message_id: 1 for r in rows})
    assert all(r.attempts == 5 and r.sent_at is not None for r in rows)


def test_permanent_refusal_is_failed_recorded_and_shown(relay, deliver, make_mail, admin_client):
    relay.data_reply = "451 4.3.0 Try again later"
    deliver(make_mail(subject="Mi pedido no llega"))
    ticket = Ticket.objects.get()
    relay.data_reply = "554 5.7.1 Message rejected by policy"
    _make_due()
    outbox_flush()
    row = OutboundMessage.objects.get()
    assert row.state == OutboundState.FAILED
    assert row.last_error.startswith("554 5.7.1 Message rejected by policy")
    assert row.next_attempt_at is None
    [event] = TicketEvent.objects.filter(ticket=ticket, kind="outbound-failed")
    assert event.data["outbound_id"] == row.pk
    # Permanent: later flushes leave it alone.
    OutboundMessage.objects.update(next_attempt_at=timezone.now())
    outbox_flush()
    assert OutboundMessage.objects.get().attempts == 2
    assert not relay.accepted

    page = admin_client.get("/admin/mail/outboundmessage/", {"state__exact": "failed"})
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="/admin/mail/outboundmessage/{row.pk}/change/' in html
    assert row.subject in html
    detail = admin_client.get(f"/admin/mail/outboundmessage/{row.pk}/change/").content.decode()
    assert "554 5.7.1 Message rejected by policy" in detail
