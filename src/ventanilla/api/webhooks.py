"""Webhook subscriptions through the API: list, create (secret shown once), change, delete;
the delivery log and "send again" (the services and selectors of ``ventanilla.webhooks``).

Supervisors and admins only (``agents.permissions.can_manage``): a subscription is told
about every queue's tickets, which only they may see. Private-network targets stay an
admin's decision (the webhooks services check it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from ventanilla.agents.permissions import can_manage
from ventanilla.api.auth import api_user, require_write
from ventanilla.webhooks.models import WebhookDelivery, WebhookSubscription
from ventanilla.webhooks.selectors import (
    webhook_delivery_get,
    webhook_delivery_list,
    webhook_subscription_get,
    webhook_subscription_list,
)
from ventanilla.webhooks.services import (
    SubscriptionFields,
    webhook_delivery_redeliver,
    webhook_subscription_create,
    webhook_subscription_delete,
    webhook_subscription_update,
)

router = Router(tags=["webhooks"])
Event = Literal[
    "ticket.created",
    "ticket.updated",
    "ticket.status_changed",
    "ticket.assigned",
    "ticket.merged",
    "article.created",
    "rating.received",
    "sla.warning",
    "sla.breached",
]


class SubscriptionOut(Schema):
    """A subscription (its secret is never shown again after creation)."""

    id: int
    name: str
    url: str
    event_types: list[str]
    active: bool
    allow_private_network: bool
    disabled_reason: str
    created_at: datetime


class SubscriptionCreatedOut(SubscriptionOut):
    """A new subscription with its signing secret, shown this once."""

    secret: str


class SubscriptionIn(Schema):
    """A new subscription."""

    name: str = Field(..., min_length=1, max_length=100)
    url: str = Field(..., min_length=1, max_length=2000)
    event_types: list[Event] = Field(..., min_length=1)
    allow_private_network: bool = False


class SubscriptionUpdateIn(Schema):
    """Fields to change (absent: kept); ``active: true`` turns a disabled one on again."""

    name: str | None = Field(None, min_length=1, max_length=100)
    url: str | None = Field(None, min_length=1, max_length=2000)
    event_types: list[Event] | None = Field(None, min_length=1)
    active: bool | None = None
    allow_private_network: bool | None = None


class DeliveryOut(Schema):
    """One delivery of the log."""

    delivery_id: str
    event_type: str
    sequence: int
    status: str
    attempts: int
    last_response_code: int | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None


class DeliveryQuery(Schema):
    """Paging of the delivery log."""

    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=200)


def _manager(request: HttpRequest, *, write: bool) -> User:
    user = require_write(request) if write else api_user(request)
    if not can_manage(user):
        raise PermissionDenied
    return user


def _out(s: WebhookSubscription) -> dict[str, object]:
    return {
        "id": s.pk,
        "name": s.name,
        "url": s.url,
        "event_types": list(s.event_types),
        "active": s.active,
        "allow_private_network": s.allow_private_network,
        "disabled_reason": s.disabled_reason,
        "created_at": s.created_at,
    }


def _delivery(d: WebhookDelivery) -> dict[str, object]:
    return {
        "delivery_id": str(d.delivery_id),
        "event_type": d.event_type,
        "sequence": d.sequence,
        "status": d.status,
        "attempts": d.attempts,
        "last_response_code": d.last_response_code,
        "last_error": d.last_error,
        "created_at": d.created_at,
        "delivered_at": d.delivered_at,
    }


def _subscription(subscription_id: int) -> WebhookSubscription:
    found = webhook_subscription_get(subscription_id=subscription_id)
    if found is None:
        raise Http404(subscription_id)
    return found


@router.get("/webhooks", response=list[SubscriptionOut], summary="List webhook subscriptions")
def list_subscriptions(request: HttpRequest) -> list[dict[str, object]]:
    """Every subscription."""
    _manager(request, write=False)
    return [_out(s) for s in webhook_subscription_list()]


@router.post(
    "/webhooks", response={201: SubscriptionCreatedOut}, summary="Create a webhook subscription"
)
def create_subscription(request: HttpRequest, payload: SubscriptionIn) -> Status[dict[str, object]]:
    """Create a subscription; the answer carries its signing secret, shown only this once."""
    user = _manager(request, write=True)
    fields = SubscriptionFields(
        name=payload.name,
        url=payload.url,
        event_types=list(payload.event_types),
        allow_private_network=payload.allow_private_network,
    )
    created = webhook_subscription_create(actor=user, fields=fields)
    return Status(201, {**_out(created), "secret": created.secret})


@router.get("/webhooks/{subscription_id}", response=SubscriptionOut, summary="Get a subscription")
def get_subscription(request: HttpRequest, subscription_id: int) -> dict[str, object]:
    """One subscription."""
    _manager(request, write=False)
    return _out(_subscription(subscription_id))


@router.patch(
    "/webhooks/{subscription_id}", response=SubscriptionOut, summary="Update a subscription"
)
def update_subscription(
    request: HttpRequest, subscription_id: int, payload: SubscriptionUpdateIn
) -> dict[str, object]:
    """Change a subscription."""
    user = _manager(request, write=True)
    fields = SubscriptionFields(
        name=payload.name,
        url=payload.url,
        event_types=list(payload.event_types) if payload.event_types is not None else None,
        active=payload.active,
        allow_private_network=payload.allow_private_network,
    )
    changed = webhook_subscription_update(
        actor=user, subscription=_subscription(subscription_id), fields=fields
    )
    return _out(changed)


@router.delete("/webhooks/{subscription_id}", response={204: None}, summary="Delete a subscription")
def delete_subscription(request: HttpRequest, subscription_id: int) -> Status[None]:
    """Delete a subscription and its delivery log."""
    user = _manager(request, write=True)
    webhook_subscription_delete(actor=user, subscription=_subscription(subscription_id))
    return Status(204, None)


@router.get(
    "/webhooks/{subscription_id}/deliveries",
    response=list[DeliveryOut],
    summary="List a subscription's deliveries",
)
def list_deliveries(
    request: HttpRequest, subscription_id: int, query: Query[DeliveryQuery]
) -> list[dict[str, object]]:
    """The delivery log, newest first, with response codes and errors."""
    _manager(request, write=False)
    rows = webhook_delivery_list(subscription_id=_subscription(subscription_id).pk)
    return [_delivery(d) for d in rows[query.offset : query.offset + query.limit]]


@router.post(
    "/webhook-deliveries/{delivery_id}/redeliver",
    response=DeliveryOut,
    summary="Send a delivery again",
)
def redeliver(request: HttpRequest, delivery_id: str) -> dict[str, object]:
    """Send a delivered or failed delivery again (same delivery id and payload)."""
    _manager(request, write=True)
    delivery = webhook_delivery_get(delivery_id=delivery_id)
    if delivery is None:
        raise Http404(delivery_id)
    return _delivery(webhook_delivery_redeliver(delivery=delivery))
