"""Postfix → LMTP → Ventanilla with Ventanilla stopped.

A real Postfix (``tests/servers/postfix.py``) accepts mail for ``soporte@empresa.es`` while
our LMTP listener is not running: the mail waits in Postfix's queue. Then the listener
starts on the port Postfix delivers to, the queue is flushed, and every message arrives
exactly once.
"""

from __future__ import annotations

import time

import pytest

from ventanilla.intake.lmtp import start_lmtp_listener
from ventanilla.mail.models import InboundMessage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

N = 12


def _wait(predicate, timeout: float, what: str, postfix):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}; queue: {postfix.queue()}\n{postfix.log()}")


def test_postfix_queues_while_we_are_down_and_delivers_once_after(postfix, mailbox, make_mail):
    ids = [f"<postfix-{i}@cliente.es>" for i in range(N)]
    for i, message_id in enumerate(ids):
        raw = make_mail(subject=f"Consulta {i}", message_id=message_id)
        postfix.send(raw, rcpts=["soporte@empresa.es"])

    def all_deferred():
        queue = postfix.queue()
        deferred = [m for m in queue if m["queue_name"] == "deferred"]
        return len(deferred) == N and deferred

    deferred = _wait(all_deferred, 60, f"{N} deferred messages", postfix)
    reasons = {r.get("delay_reason", "") for m in deferred for r in m["recipients"]}
    assert all("Connection refused" in reason for reason in reasons), reasons
    assert not InboundMessage.objects.exists()

    listener = start_lmtp_listener("127.0.0.1", postfix.lmtp_port)
    try:
        postfix.flush()
        _wait(lambda: InboundMessage.objects.count() >= N, 60, "delivery", postfix)
        _wait(lambda: not postfix.queue(), 30, "an empty queue", postfix)
        # A few more queue runs (1 s apart): nothing is delivered a second time.
        time.sleep(2.5)
    finally:
        listener.stop()
    stored = list(InboundMessage.objects.all())
    assert len(stored) == N
    assert all(m.source == "lmtp" and m.envelope_to == ["soporte@empresa.es"] for m in stored)
    # Each sent message exactly once (Postfix adds Received headers, so compare Message-IDs).
    raws = [bytes(m.raw) for m in stored]
    assert sorted(next(i for i in ids if i.encode() in raw) for raw in raws) == sorted(ids)
    assert " status=sent (250 2.0.0 Ok: queued as" in postfix.log()
    assert postfix.relayed == []
