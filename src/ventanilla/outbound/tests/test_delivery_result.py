"""Drafts are immutable, and every recorded outcome is reported through ``delivery_result``."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from ventanilla.config import Relay
from ventanilla.mail.models import OutboundKind, OutboundState
from ventanilla.outbound import send, signals
from ventanilla.outbound.compose import new_message_id
from ventanilla.outbound.draft import Draft


@pytest.fixture
def results():
    """Collect what ``delivery_result`` reports while the test runs."""
    seen: list[dict[str, Any]] = []

    def listen(**kwargs: Any) -> None:
        seen.append({k: v for k, v in kwargs.items() if k not in ("signal", "sender")})

    signals.delivery_result.connect(listen, dispatch_uid="test-delivery-results")
    yield seen
    signals.delivery_result.disconnect(dispatch_uid="test-delivery-results")


@pytest.mark.django_db
def test_a_draft_cannot_be_changed(mailbox):
    draft = Draft(
        mailbox=mailbox,
        kind=OutboundKind.REPLY,
        message_id=new_message_id(mailbox=mailbox),
        to=("lucia@cliente.es",),
        subject="Hola",
        text="Hola\n",
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        draft.subject = "Otro"  # type: ignore[misc]


@pytest.mark.django_db
def test_sent_is_reported(settings, tmp_path, queued, ticket, results):
    settings.VENTANILLA_RELAY = Relay(
        host="", port=25, user="", password="", starttls=False, timeout=5
    )
    settings.VENTANILLA_OUTBOX_DIR = tmp_path
    row = queued(ticket=ticket)
    assert send.outbound_deliver(outbound_id=row.pk) == OutboundState.SENT
    assert results == [
        {
            "outbound_id": row.pk,
            "ticket_id": ticket.pk,
            "kind": OutboundKind.NOTIFICATION,
            "result": signals.SENT,
            "error": "",
            "retry_in": None,
        }
    ]


@pytest.mark.django_db
def test_deferred_then_failed_are_reported_with_the_relay_answer(sink, queued, ticket, results):
    sink.data_replies = ["451 4.3.0 later", "554 5.7.1 rejected as spam"]
    row = queued(ticket=ticket)
    assert send.outbound_deliver(outbound_id=row.pk) == OutboundState.QUEUED
    [deferred] = results
    assert deferred["result"] == signals.DEFERRED
    assert deferred["error"].startswith("451 4.3.0 later")
    assert 15 <= deferred["retry_in"] <= 30  # the first backoff: half to all of 30 s
    type(row).objects.filter(pk=row.pk).update(next_attempt_at=None)
    assert send.outbound_deliver(outbound_id=row.pk) == OutboundState.FAILED
    failed = results[1]
    assert (failed["result"], failed["ticket_id"], failed["retry_in"]) == (
        signals.FAILED,
        ticket.pk,
        None,
    )
    assert failed["error"].startswith("554 5.7.1 rejected as spam")
    assert send.outbound_deliver(outbound_id=row.pk) == "skipped"
    assert len(results) == 2  # nothing recorded, nothing reported
