"""Reads of webhook subscriptions and their delivery log (for the admin and the REST API)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from ventanilla.webhooks.models import WebhookDelivery, WebhookSubscription


def webhook_subscription_list() -> QuerySet[WebhookSubscription]:
    """Return every subscription, by name."""
    return WebhookSubscription.objects.order_by("name", "pk")


def webhook_subscription_get(*, subscription_id: int) -> WebhookSubscription | None:
    """Return the subscription ``subscription_id``, or None."""
    return WebhookSubscription.objects.filter(pk=subscription_id).first()


def webhook_delivery_list(
    *,
    subscription_id: int | None = None,
    status: str | None = None,
    event_type: str | None = None,
) -> QuerySet[WebhookDelivery]:
    """Return deliveries, newest first, optionally of one subscription, status or event type."""
    deliveries = WebhookDelivery.objects.select_related("subscription").order_by("-pk")
    if subscription_id is not None:
        deliveries = deliveries.filter(subscription_id=subscription_id)
    if status:
        deliveries = deliveries.filter(status=status)
    if event_type:
        deliveries = deliveries.filter(event_type=event_type)
    return deliveries


def webhook_delivery_get(*, delivery_id: str) -> WebhookDelivery | None:
    """Return the delivery with this delivery id (the UUID receivers see), or None."""
    try:
        return WebhookDelivery.objects.select_related("subscription").get(delivery_id=delivery_id)
    except (WebhookDelivery.DoesNotExist, ValidationError, ValueError):
        return None
