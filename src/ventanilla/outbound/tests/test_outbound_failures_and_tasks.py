"""outbound_deliver: permanent failures recorded on the ticket, and one task per transaction."""

from __future__ import annotations

import pytest
from django.db import transaction

from ventanilla.config import Relay
from ventanilla.mail.models import OutboundMessage, OutboundState
from ventanilla.outbound import send
from ventanilla.outbound.tasks import outbox_send_many
from ventanilla.outbound.tests.support import _failed_events, _free_port, _make_due, _relay, _state


@pytest.mark.django_db
def test_permanent_failure_is_recorded_on_the_ticket(sink, queued, ticket):
    sink.data_replies = ["451 4.3.0 later", "554 5.7.1 rejected as spam"]
    row = queued(ticket=ticket)
    assert send.outbound_deliver(outbound_id=row.pk) == OutboundState.QUEUED
    assert _failed_events(ticket) == []  # a temporary failure is not news for the agents
    _make_due(row)
    assert send.outbound_deliver(outbound_id=row.pk) == OutboundState.FAILED
    [event] = _failed_events(ticket)
    assert event.data["outbound_id"] == row.pk
    assert event.data["error"].startswith("554 5.7.1 rejected as spam")
    assert event.actor == "system"


@pytest.mark.django_db
def test_giving_up_is_recorded_on_the_ticket_once(settings, queued, ticket):
    settings.VENTANILLA_RELAY = _relay(_free_port())
    row = queued(ticket=ticket)
    OutboundMessage.objects.filter(pk=row.pk).update(attempts=send.MAX_ATTEMPTS - 1)
    assert send.outbound_deliver(outbound_id=row.pk) == OutboundState.FAILED
    assert send.outbound_deliver(outbound_id=row.pk) == "skipped"
    [event] = _failed_events(ticket)
    assert event.data["error"].startswith(f"gave up after {send.MAX_ATTEMPTS} attempts")


# --- One task per transaction -------------------------------------------------------------------


@pytest.mark.django_db
def test_rows_of_one_transaction_are_sent_by_one_task(
    settings, tmp_path, queued, django_capture_on_commit_callbacks
):
    settings.VENTANILLA_RELAY = Relay(
        host="", port=25, user="", password="", starttls=False, timeout=5
    )
    settings.VENTANILLA_OUTBOX_DIR = tmp_path
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = [queued(to=[f"c{n}@cliente.es"]) for n in range(3)]
    assert list(tmp_path.iterdir()) == []
    callbacks[0]()  # the first callback hands over every row of the transaction
    assert [_state(row).state for row in rows] == [OutboundState.SENT] * 3
    for callback in callbacks[1:]:
        callback()  # nothing left: no second delivery
    assert len(list(tmp_path.glob("*.eml"))) == 3
    assert [_state(row).attempts for row in rows] == [1, 1, 1]


@pytest.mark.django_db
def test_a_rolled_back_savepoint_does_not_lose_the_committed_rows(
    settings, tmp_path, queued, django_capture_on_commit_callbacks
):
    settings.VENTANILLA_RELAY = Relay(
        host="", port=25, user="", password="", starttls=False, timeout=5
    )
    settings.VENTANILLA_OUTBOX_DIR = tmp_path

    def queue_then_roll_back():
        with transaction.atomic():
            queued(to=["gone@cliente.es"])  # its savepoint (and callback) is rolled back
            raise RuntimeError

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            queue_then_roll_back()
        kept = queued(to=["kept@cliente.es"])
    assert _state(kept).state == OutboundState.SENT
    assert not OutboundMessage.objects.filter(recipients=["gone@cliente.es"]).exists()
    assert len(list(tmp_path.glob("*.eml"))) == 1


@pytest.mark.django_db
def test_send_many_skips_missing_rows_and_sends_the_others(sink, queued):
    rows = [queued(), queued(to=["ana@cliente.es"])]
    states = outbox_send_many.call_local([rows[0].pk, 10**9, rows[1].pk])
    assert states == [OutboundState.SENT, "skipped", OutboundState.SENT]
    assert len(sink.accepted) == 2
