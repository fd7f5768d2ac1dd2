"""The delivery outbox: one row per audit event and subscription, in the event's transaction.

``webhook_events_recorded`` listens to ``tickets.signals.events_recorded``, sent inside the
transaction that writes the audit rows: the deliveries commit or roll back with the change
itself, so no change is announced that did not happen and none that happened is lost.

Each matching subscription's ``last_sequence`` is raised by the number of deliveries written
for it, under the subscription row's lock; the lock is held until the transaction ends, so
sequences follow commit order and the worker can send them strictly in line. Every active
subscription is locked at once, in primary-key order, whichever of them this batch matches:
two transactions whose events match different subscriptions first would otherwise lock them
in opposite orders and deadlock. (On PostgreSQL this serialises the transactions that record
wanted events while subscriptions exist; SQLite has a single writer anyway.) The worker is
asked to send once the transaction commits.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from functools import partial
from typing import Any

from django.db import transaction

from ventanilla.tickets.models import TicketEvent
from ventanilla.webhooks.cache import wanted_event_types
from ventanilla.webhooks.models import WebhookDelivery, WebhookSubscription
from ventanilla.webhooks.payloads import KIND_TO_TYPE, ticket_summary, webhook_payload
from ventanilla.webhooks.tasks import webhook_flush


def webhook_events_recorded(*, events: list[TicketEvent], **_kw: Any) -> None:
    """Write the deliveries for ``events`` (see the module docstring); cheap when none match."""
    wanted = wanted_event_types()
    if not wanted:
        return
    typed = [(event, KIND_TO_TYPE[event.kind]) for event in events if event.kind in KIND_TO_TYPE]
    typed = [(event, kind) for event, kind in typed if kind in wanted]
    if typed:
        webhook_deliveries_write(events=typed)


@transaction.atomic
def webhook_deliveries_write(*, events: Sequence[tuple[TicketEvent, str]]) -> list[WebhookDelivery]:
    """Write one delivery per (event, type) and active subscription wanting that type."""
    subscriptions = list(
        WebhookSubscription.objects.select_for_update().filter(active=True).order_by("pk")
    )
    per_subscription: dict[int, list[tuple[TicketEvent, str]]] = defaultdict(list)
    for subscription in subscriptions:
        for event, event_type in events:
            if event_type in subscription.event_types:
                per_subscription[subscription.pk].append((event, event_type))
    last_sequences = {subscription.pk: subscription.last_sequence for subscription in subscriptions}
    summaries: dict[int, dict[str, Any]] = {}
    rows: list[WebhookDelivery] = []
    for subscription_id, matched in per_subscription.items():
        first = last_sequences[subscription_id] + 1
        WebhookSubscription.objects.filter(pk=subscription_id).update(
            last_sequence=first + len(matched) - 1
        )
        rows += [
            _delivery(subscription_id, first + offset, event, event_type, summaries)
            for offset, (event, event_type) in enumerate(matched)
        ]
    WebhookDelivery.objects.bulk_create(rows)
    for subscription_id in per_subscription:
        transaction.on_commit(partial(_send_after_commit, subscription_id))
    return rows


def _send_after_commit(subscription_id: int) -> None:
    webhook_flush(subscription_id)


def _delivery(
    subscription_id: int,
    sequence: int,
    event: TicketEvent,
    event_type: str,
    summaries: dict[int, dict[str, Any]],
) -> WebhookDelivery:
    """One unsaved delivery; ``summaries`` keeps one ticket summary per ticket and batch."""
    if event.ticket_id not in summaries:
        summaries[event.ticket_id] = ticket_summary(event.ticket_id)
    delivery_id = uuid.uuid4()
    payload = webhook_payload(
        delivery_id=str(delivery_id),
        event_type=event_type,
        event=event,
        ticket=summaries[event.ticket_id],
    )
    return WebhookDelivery(
        subscription_id=subscription_id,
        delivery_id=delivery_id,
        event_type=event_type,
        ticket_event_id=event.pk,
        payload=payload,
        sequence=sequence,
    )
