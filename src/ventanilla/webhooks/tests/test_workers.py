"""Several workers at once, and the huey path from commit to receiver (real commits)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from ventanilla.webhooks.delivery import webhook_subscription_flush
from ventanilla.webhooks.models import DeliveryStatus, WebhookDelivery
from ventanilla.webhooks.tasks import webhook_sweep

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def tasks_lost() -> Iterator[None]:
    """Tasks queued meanwhile are never run (as if the queue lost them)."""
    HUEY.immediate = False
    try:
        yield
    finally:
        HUEY.immediate = True


def test_commit_sends_through_the_task(receiver, subscribe, new_ticket):
    # Tests run huey in immediate mode: the task queued on commit runs right away.
    subscribe(receiver.url, ["ticket.created"])
    ticket = new_ticket()

    (request,) = receiver.requests
    assert request.json["data"]["ticket"]["number"] == ticket.number
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED


def test_two_workers_never_send_one_delivery_twice(receiver, subscribe, new_ticket):
    with tasks_lost():  # only the three workers below send
        subscription = subscribe(receiver.url, ["ticket.created"])
        for _ in range(12):
            new_ticket()
    # A slow receiver widens the window in which a second worker could jump the line.
    original = receiver._answer

    def slow():
        time.sleep(0.02)
        return original()

    receiver._answer = slow
    errors: list[BaseException] = []

    def work():
        try:
            for _ in range(20):
                webhook_subscription_flush(subscription_id=subscription.pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    sequences = [int(r.headers["Ventanilla-Sequence"]) for r in receiver.requests]
    assert sequences == list(range(1, 13))  # each once, in order
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}


def test_sweep_sends_what_the_lost_task_did_not(receiver, subscribe, new_ticket):
    with tasks_lost():
        subscribe(receiver.url, ["ticket.created"])
        new_ticket()
    assert receiver.requests == []
    assert webhook_sweep.call_local() == 0  # too young: the task queued on commit may run
    WebhookDelivery.objects.update(created_at=timezone.now() - timedelta(minutes=1))

    assert webhook_sweep.call_local() == 1
    assert len(receiver.requests) == 1
