"""Writes on webhook subscriptions and deliveries (for the admin and the REST API).

Only an admin may let a subscription reach private, loopback or link-local addresses
(``allow_private_network``); the URL is checked here for what can be seen without DNS, and
again, resolved, before every request (``targets``). A subscription's secret is generated
when none is given; the caller shows it once (it is stored encrypted, and reading it back
is for signing only).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ventanilla.agents.models import Role
from ventanilla.agents.selectors import agent_role
from ventanilla.webhooks.cache import subscription_cache_clear
from ventanilla.webhooks.models import (
    DeliveryStatus,
    EventType,
    WebhookDelivery,
    WebhookSubscription,
)
from ventanilla.webhooks.targets import TargetRefusedError, url_check_literal
from ventanilla.webhooks.tasks import webhook_flush

SECRET_BYTES = 32
NAME_CHARS = 100  # WebhookSubscription.name max_length
URL_CHARS = 2000  # WebhookSubscription.url max_length


def webhook_user_is_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    """True for an active superuser or agent with the admin role."""
    if not (user.is_authenticated and user.is_active):
        return False
    return bool(getattr(user, "is_superuser", False)) or agent_role(user) == Role.ADMIN


def webhook_subscription_check(
    *, name: str, url: str, event_types: Sequence[str], allow_private: bool
) -> list[str]:
    """Check the fields (``ValidationError`` per field); return the event types in order."""
    if not name.strip():
        raise ValidationError({"name": _("Give the subscription a name.")})
    if len(name.strip()) > NAME_CHARS or len(url.strip()) > URL_CHARS:
        raise ValidationError(_("The name or the URL is too long."))
    unknown = sorted(set(event_types) - set(EventType.values))
    if unknown:
        raise ValidationError(
            {"event_types": _("Unknown event types: %(types)s") % {"types": ", ".join(unknown)}}
        )
    if not event_types:
        raise ValidationError({"event_types": _("Choose at least one event type.")})
    try:
        url_check_literal(url, allow_private=allow_private)
    except TargetRefusedError as exc:
        raise ValidationError(
            {"url": _("This URL cannot receive webhooks: %(reason)s") % {"reason": exc}}
        ) from exc
    return [value for value in EventType.values if value in set(event_types)]


def _check_private(actor: User, allow_private_network: bool, current: bool = False) -> None:
    if allow_private_network != current and not webhook_user_is_admin(actor):
        raise PermissionDenied(_("Only an administrator may allow private network targets."))


def _changed(subscription_id: int | None) -> None:
    """Forget the listener's snapshot now and after commit; send what waits (re-enabled)."""
    subscription_cache_clear()
    transaction.on_commit(subscription_cache_clear)
    if subscription_id is not None:
        transaction.on_commit(partial(webhook_flush, subscription_id))


@dataclass(frozen=True)
class SubscriptionFields:
    """What a subscription is made of; on update, None leaves a field as it is."""

    name: str | None = None
    url: str | None = None
    event_types: Sequence[str] | None = None
    secret: str | None = None
    active: bool | None = None
    allow_private_network: bool | None = None


@transaction.atomic
def webhook_subscription_create(*, actor: User, fields: SubscriptionFields) -> WebhookSubscription:
    """Create a subscription (a secret is generated when none is given).

    Raises ``ValidationError`` for a blank name, no or unknown event types or a refused
    URL, ``PermissionDenied`` when a non-admin asks for private network targets.
    """
    allow_private = bool(fields.allow_private_network)
    _check_private(actor, allow_private)
    types = webhook_subscription_check(
        name=fields.name or "",
        url=fields.url or "",
        event_types=fields.event_types or (),
        allow_private=allow_private,
    )
    subscription = WebhookSubscription(
        name=(fields.name or "").strip(),
        url=(fields.url or "").strip(),
        event_types=types,
        active=True if fields.active is None else fields.active,
        allow_private_network=allow_private,
        created_by=actor if actor.pk else None,
    )
    subscription.secret = fields.secret or secrets.token_urlsafe(SECRET_BYTES)
    subscription.save()
    _changed(None)
    return subscription


@transaction.atomic
def webhook_subscription_update(
    *, actor: User, subscription: WebhookSubscription, fields: SubscriptionFields
) -> WebhookSubscription:
    """Change the fields given (None: unchanged); turning it on again clears the failure."""
    locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    if fields.allow_private_network is not None:
        _check_private(actor, fields.allow_private_network, locked.allow_private_network)
        locked.allow_private_network = fields.allow_private_network
    name = locked.name if fields.name is None else fields.name.strip()
    url = locked.url if fields.url is None else fields.url.strip()
    types = locked.event_types if fields.event_types is None else fields.event_types
    locked.event_types = webhook_subscription_check(
        name=name, url=url, event_types=types, allow_private=locked.allow_private_network
    )
    locked.name, locked.url = name, url
    if fields.secret:
        locked.secret = fields.secret
    if fields.active is not None and fields.active != locked.active:
        locked.active = fields.active
        if fields.active:
            locked.failing_since = None
            locked.disabled_reason = ""
            locked.disabled_at = None
    locked.save()
    _changed(locked.pk if locked.active else None)
    return locked


@transaction.atomic
def webhook_subscription_delete(*, actor: User, subscription: WebhookSubscription) -> None:
    """Delete a subscription and its delivery log (an admin's subscription: by an admin)."""
    if subscription.allow_private_network and not webhook_user_is_admin(actor):
        raise PermissionDenied(_("Only an administrator may delete this subscription."))
    WebhookSubscription.objects.filter(pk=subscription.pk).delete()
    _changed(None)


@transaction.atomic
def webhook_delivery_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send ``delivery`` again, as a new attempt with the same delivery id and payload.

    It goes back in its subscription's line at its own sequence: as the lowest pending one
    it is sent next, before any later delivery still waiting. Only a delivered or failed
    delivery can be sent again (``ValidationError`` otherwise).
    """
    locked = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if locked.status == DeliveryStatus.PENDING:
        # It may be on the wire right now: making it due again could send it twice at once.
        raise ValidationError(_("This delivery is still waiting to be sent."))
    locked.status = DeliveryStatus.PENDING
    locked.next_attempt_at = timezone.now()
    locked.first_attempt_at = None
    locked.save(update_fields=["status", "next_attempt_at", "first_attempt_at"])
    transaction.on_commit(partial(webhook_flush, locked.subscription_id))
    return locked
