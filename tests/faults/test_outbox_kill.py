"""A worker SIGKILLed after the relay took a mail but before the row was marked sent.

The one window an outbox cannot close: the relay has the mail, our row still says
``queued``. The mail must then go once more, soon (not after a 15-minute lease), and with
the same bytes, hence the same Message-ID, so that the recipient's client can recognise
the duplicate (RFC 5322 §3.6.4).

A real ``ventanilla run_huey`` worker against a scratch installation (SQLite file, or a
scratch PostgreSQL database) processes a customer mail and sends its acknowledgement to
a real aiosmtpd relay on a loopback port. The relay keeps what it receives and holds its
answer to DATA until the test has killed the worker with SIGKILL: the kill lands exactly
between the relay's acceptance and the "sent" mark. A restarted worker (what a supervisor
does) must send the row again within a minute of the kill.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

RESEND_WITHIN_SECONDS = 60.0
START_TIMEOUT = 90.0


class HoldingRelay:
    """Keeps every message at DATA; the first one's answer waits for ``release``."""

    def __init__(self) -> None:
        self.deliveries: list[tuple[float, str, bytes]] = []  # (monotonic, Message-ID, bytes)
        self.first = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook
        content = envelope.original_content
        mail = message_from_bytes(content, policy=policy.default)
        # A real relay has queued the mail by now (Postfix writes its queue file before
        # answering the final dot), so it counts as delivered whatever happens next.
        self.deliveries.append((time.monotonic(), str(mail["Message-ID"]), content))
        if len(self.deliveries) == 1:
            self.first.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        return "250 2.0.0 queued"


@pytest.fixture
def relay():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sink = HoldingRelay()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink, port
    sink.release.set()
    controller.stop()


def _wait(predicate, what: str, timeout: float, log) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}; worker log:\n{log.read_text()[-4000:]}")
        time.sleep(0.1)


def _rows(scratch) -> list[dict[str, object]]:
    return json.loads(scratch.run("tests.faults.outbox_script", "report"))


def test_mail_caught_by_a_kill_after_the_relay_took_it_is_resent_within_a_minute(
    scratch, relay, tmp_path
):
    sink, port = relay
    scratch.env.update(VENTANILLA_SMTP_HOST="127.0.0.1", VENTANILLA_SMTP_PORT=str(port))
    log = tmp_path / "worker.log"
    scratch.run("tests.faults.outbox_script", "mail")

    worker = scratch.start("ventanilla.cli", "run_huey", log=log)
    try:
        _wait(sink.first.is_set, "the acknowledgement to reach the relay", START_TIMEOUT, log)
    finally:
        worker.kill()  # SIGKILL, while the relay holds its "250"
        worker.wait()
    killed_at = time.monotonic()
    sink.release.set()
    [row] = _rows(scratch)
    # The kill fell in the window: the relay has the mail, the row is not marked sent.
    assert (row["state"], row["attempts"], len(sink.deliveries)) == ("queued", 1, 1)

    restarted = scratch.start("ventanilla.cli", "run_huey", log=log)
    try:
        _wait(lambda: len(sink.deliveries) >= 2, "the mail to be sent again", START_TIMEOUT, log)
        _wait(lambda: _rows(scratch)[0]["state"] == "sent", "the sent mark", 30, log)
    finally:
        restarted.kill()
        restarted.wait()
    (_t1, first_id, first_bytes), (resent_at, second_id, second_bytes) = sink.deliveries[:2]
    waited = resent_at - killed_at
    print(f"re-sent {waited:.1f} s after the SIGKILL (lease lapsed, sweep-scheduled attempt)")
    assert waited < RESEND_WITHIN_SECONDS
    # The same mail: identical bytes, so the same Message-ID the client can de-duplicate by.
    assert second_id == first_id == f"<{row['message_id']}>"
    assert second_bytes == first_bytes
    [row] = _rows(scratch)
    assert (row["state"], row["attempts"], row["leased"]) == ("sent", 2, False)
    assert len(sink.deliveries) == 2  # one duplicate, no more
