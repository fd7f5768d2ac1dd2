"""The worker's side of the outbox: send a subscription's deliveries one by one, in order.

``webhook_subscription_flush`` repeats three short steps, never inside one long transaction:

1. **claim** the head of the subscription's line (its pending delivery with the lowest
   sequence) if it is due: the subscription row is locked meanwhile (``SKIP LOCKED`` on
   PostgreSQL; SQLite's IMMEDIATE transactions serialise writers), the attempt is counted
   and the head leased for ``LEASE_SECONDS`` (longer than the request's total deadline), so
   no other worker sends it, nor anything behind it, in the meantime;
2. **send** it (``transport.http_post``) with no transaction open;
3. **record** the outcome (``outcomes``): delivered; a retry later, which holds the whole
   line (strict order); or failed for good, and the line moves on.

A worker that dies mid-request leaves a lease that lapses; the periodic sweep then sends the
same delivery again, with the same delivery id: receivers de-duplicate on it.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ventanilla.core.encryption import SecretDecryptError
from ventanilla.webhooks import outcomes
from ventanilla.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from ventanilla.webhooks.signing import webhook_signature
from ventanilla.webhooks.targets import TargetRefusedError, TargetUnresolvedError, target_resolve
from ventanilla.webhooks.transport import TOTAL_TIMEOUT, TransportError, http_post

LEASE_SECONDS = int(TOTAL_TIMEOUT) + 30
# A delayed task may fire a little before the stored time (clock skew between processes).
DUE_TOLERANCE_SECONDS = 2
USER_AGENT = "Ventanilla-Webhooks/1"


@dataclass(frozen=True)
class FlushResult:
    """How many deliveries ended (delivered or failed), and when the line is due again."""

    finished: int
    retry_in: float | None


def webhook_subscription_flush(*, subscription_id: int, limit: int = 500) -> FlushResult:
    """Send ``subscription_id``'s due deliveries in sequence until one must wait.

    Call it outside any transaction (tasks do): each outcome is committed on its own.
    """
    finished = 0
    while finished < limit:
        claimed = _claim(subscription_id)
        if claimed is None:
            return FlushResult(finished, None)
        delivery, subscription = claimed
        retry_in = _attempt(delivery, subscription)
        if retry_in is not None:
            return FlushResult(finished, retry_in)
        finished += 1
    return FlushResult(finished, 0.0)


@transaction.atomic
def _claim(subscription_id: int) -> tuple[WebhookDelivery, WebhookSubscription] | None:
    # The subscription row is the lock of its line: skip_locked on the *delivery* rows would
    # let a second worker jump past a head that is being sent.
    subscription = (
        WebhookSubscription.objects.select_for_update(skip_locked=True)
        .filter(pk=subscription_id, active=True)
        .first()
    )
    if subscription is None:
        return None
    head = (
        WebhookDelivery.objects.filter(subscription=subscription, status=DeliveryStatus.PENDING)
        .order_by("sequence")
        .first()
    )
    now = timezone.now()
    if head is None or (
        head.next_attempt_at is not None
        and head.next_attempt_at > now + timedelta(seconds=DUE_TOLERANCE_SECONDS)
    ):
        return None  # nothing waiting, backing off, or being sent by another worker now
    head.attempts += 1
    head.first_attempt_at = head.first_attempt_at or now
    head.last_attempt_at = now
    head.next_attempt_at = now + timedelta(seconds=LEASE_SECONDS)
    head.save(update_fields=["attempts", "first_attempt_at", "last_attempt_at", "next_attempt_at"])
    return head, subscription


def webhook_body(delivery: WebhookDelivery) -> bytes:
    """Return the exact bytes POSTed (and signed) for ``delivery``: compact UTF-8 JSON."""
    return json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()


def webhook_headers(
    *, delivery: WebhookDelivery, secret: str, body: bytes, timestamp: int
) -> dict[str, str]:
    """Return the request headers, the signature over ``timestamp`` and ``body`` included."""
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Ventanilla-Delivery": str(delivery.delivery_id),
        "Ventanilla-Event": delivery.event_type,
        "Ventanilla-Sequence": str(delivery.sequence),
        "Ventanilla-Timestamp": str(timestamp),
        "Ventanilla-Signature": webhook_signature(secret=secret, timestamp=timestamp, body=body),
    }


def _attempt(delivery: WebhookDelivery, subscription: WebhookSubscription) -> float | None:
    """Send the claimed ``delivery`` and record the outcome; the wait before a retry, or None."""
    allow = subscription.allow_private_network or settings.VENTANILLA_WEBHOOK_ALLOW_PRIVATE
    try:
        secret = subscription.secret
        target = target_resolve(subscription.url, allow_private=allow)
    except (TargetUnresolvedError, SecretDecryptError) as exc:
        return outcomes.delivery_record_temporary(delivery=delivery, error=str(exc))
    except TargetRefusedError as exc:
        outcomes.delivery_record_failed(delivery=delivery, error=f"refused: {exc}")
        return None
    body = webhook_body(delivery)
    headers = webhook_headers(
        delivery=delivery, secret=secret, body=body, timestamp=int(time.time())
    )
    try:
        response = http_post(target, headers=headers, body=body)
    except TransportError as exc:
        return outcomes.delivery_record_temporary(delivery=delivery, error=str(exc))
    return outcomes.delivery_record_response(delivery=delivery, response=response)


def webhook_due_subscriptions(*, older_than_seconds: int = 10) -> list[int]:
    """Return the active subscriptions with a pending delivery that is due now.

    A delivery never tried is normally sent by the task queued on commit; the age limit
    leaves that task time to run, so the sweep picks up only lost ones.
    """
    now = timezone.now()
    due = Q(next_attempt_at__lte=now) | Q(
        next_attempt_at__isnull=True, created_at__lt=now - timedelta(seconds=older_than_seconds)
    )
    return list(
        WebhookDelivery.objects.filter(
            due, status=DeliveryStatus.PENDING, subscription__active=True
        )
        .order_by("subscription_id")
        .values_list("subscription_id", flat=True)
        .distinct()
    )
