"""Record what one attempt at a delivery came to, and what it means for its subscription.

- 2xx: delivered; the subscription is healthy again (``failing_since`` cleared).
- 408, 429, 5xx, timeouts, refused or reset connections, a name that does not resolve:
  retried with exponential backoff and jitter (``Retry-After`` honoured when longer),
  for up to ``RETRY_WINDOW`` after the first attempt, then failed. The line waits.
- 410 Gone: failed, and the subscription is turned off (the receiver says it is gone).
- Any other answer (other 4xx, 3xx: redirects are not followed): failed for good, at once.

Every failure starts or continues the subscription's ``failing_since``; a subscription
failing for ``DISABLE_AFTER`` with no success in between is turned off and the admins told.
Each record only applies to the attempt it was claimed for (same status and attempt count):
a redeliver or a takeover after a lapsed lease in between wins.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from ventanilla.webhooks import notices
from ventanilla.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from ventanilla.webhooks.transport import Response

log = logging.getLogger(__name__)

BASE_DELAY_SECONDS = 10
MAX_DELAY_SECONDS = 3600
RETRY_WINDOW = timedelta(hours=24)
DISABLE_AFTER = timedelta(hours=24)
RETRIED_STATUSES = frozenset({408, 429})
ERROR_CHARS = 1000


def retry_delay(attempts: int) -> float:
    """Return the wait in seconds after ``attempts`` failed tries: exponential, with jitter.

    "Equal jitter": between half and all of ``10 s · 2^(attempts-1)``, capped at an hour, so
    deliveries held up by one outage do not all hit the receiver together when it returns.
    """
    ceiling = float(min(BASE_DELAY_SECONDS * 2 ** max(attempts - 1, 0), MAX_DELAY_SECONDS))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def delivery_record_response(*, delivery: WebhookDelivery, response: Response) -> float | None:
    """Record an HTTP answer; return the wait before a retry, or None when the line moves on."""
    status = response.status
    if 200 <= status < 300:
        delivery_record_delivered(delivery=delivery, response=response)
        return None
    if status in RETRIED_STATUSES or status >= 500:
        return delivery_record_temporary(
            delivery=delivery,
            error=f"HTTP {status}",
            response=response,
            retry_after=response.retry_after,
        )
    reason = "redirects are not followed" if 300 <= status < 400 else "refused by the receiver"
    delivery_record_failed(
        delivery=delivery, error=f"HTTP {status}: {reason}", response=response, gone=status == 410
    )
    return None


def _mine(delivery: WebhookDelivery) -> dict[str, object]:
    return {"pk": delivery.pk, "status": DeliveryStatus.PENDING, "attempts": delivery.attempts}


def _response_fields(response: Response | None) -> dict[str, object]:
    if response is None:
        return {"last_response_code": None, "last_response_body": ""}
    return {"last_response_code": response.status, "last_response_body": response.body[:1000]}


@transaction.atomic
def delivery_record_delivered(*, delivery: WebhookDelivery, response: Response) -> None:
    """Mark ``delivery`` delivered and its subscription healthy."""
    updated = WebhookDelivery.objects.filter(**_mine(delivery)).update(
        status=DeliveryStatus.DELIVERED,
        delivered_at=timezone.now(),
        next_attempt_at=None,
        last_error="",
        **_response_fields(response),
    )
    if updated:
        WebhookSubscription.objects.filter(
            pk=delivery.subscription_id, failing_since__isnull=False
        ).update(failing_since=None)


@transaction.atomic
def delivery_record_temporary(
    *,
    delivery: WebhookDelivery,
    error: str,
    response: Response | None = None,
    retry_after: float | None = None,
) -> float | None:
    """Schedule another attempt (or give up past the window); return the wait, or None."""
    now = timezone.now()
    started = delivery.first_attempt_at or now
    if now - started >= RETRY_WINDOW:
        delivery_record_failed(
            delivery=delivery, error=f"gave up after {delivery.attempts} attempts; last: {error}"
        )
        return None
    delay = max(
        retry_delay(delivery.attempts), min(retry_after or 0.0, RETRY_WINDOW.total_seconds())
    )
    updated = WebhookDelivery.objects.filter(**_mine(delivery)).update(
        next_attempt_at=now + timedelta(seconds=delay),
        last_error=error[:ERROR_CHARS],
        **_response_fields(response),
    )
    if not updated:
        return None
    log.info("webhook delivery %s: retry in %.0f s: %s", delivery.delivery_id, delay, error)
    _subscription_failed(delivery.subscription_id, now=now)
    return delay


@transaction.atomic
def delivery_record_failed(
    *,
    delivery: WebhookDelivery,
    error: str,
    response: Response | None = None,
    gone: bool = False,
) -> None:
    """Give ``delivery`` up for good; turn the subscription off on 410 or after a day failing."""
    now = timezone.now()
    updated = WebhookDelivery.objects.filter(**_mine(delivery)).update(
        status=DeliveryStatus.FAILED,
        next_attempt_at=None,
        last_error=error[:ERROR_CHARS],
        **_response_fields(response),
    )
    if not updated:
        return
    log.warning("webhook delivery %s failed: %s", delivery.delivery_id, error)
    _subscription_failed(delivery.subscription_id, now=now, gone=gone)


def _subscription_failed(subscription_id: int, *, now: datetime, gone: bool = False) -> None:
    """Start (or continue) the subscription's failing streak; turn it off if it is over."""
    WebhookSubscription.objects.filter(pk=subscription_id, failing_since__isnull=True).update(
        failing_since=now
    )
    subscription = WebhookSubscription.objects.filter(pk=subscription_id).first()
    if subscription is None:
        return  # deleted while its delivery was on the wire
    if gone:
        notices.webhook_subscription_disable(subscription=subscription, why=notices.GONE)
    elif subscription.failing_since and now - subscription.failing_since >= DISABLE_AFTER:
        notices.webhook_subscription_disable(subscription=subscription, why=notices.FAILING)
