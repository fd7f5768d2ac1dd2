"""Turning a subscription off, and telling the admins why (in-app notice and mail)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ventanilla.agents.models import Role
from ventanilla.agents.notify import agent_notify
from ventanilla.webhooks.models import WebhookSubscription

# Why a subscription was turned off: stored in ``disabled_reason`` and told to the admins.
GONE = "gone"
FAILING = "failing"

NOTICES = {
    GONE: _("Webhook “{name}” was turned off: its receiver answered 410 Gone."),
    FAILING: _("Webhook “{name}” was turned off: its deliveries have been failing for a day."),
}
REASONS = {
    GONE: "the receiver answered 410 Gone",
    FAILING: "deliveries failed for a day without a success",
}


def webhook_admins() -> QuerySet[User]:
    """Return the active admins (superusers and agents with the admin role)."""
    return User.objects.filter(Q(is_superuser=True) | Q(agent__role=Role.ADMIN), is_active=True)


def webhook_subscription_disable(*, subscription: WebhookSubscription, why: str) -> bool:
    """Turn ``subscription`` off for ``why`` (``GONE``/``FAILING``) and notify the admins.

    Runs inside the caller's transaction; returns False when it was already off (nobody is
    told twice).
    """
    turned_off = WebhookSubscription.objects.filter(pk=subscription.pk, active=True).update(
        active=False, disabled_reason=REASONS[why], disabled_at=timezone.now()
    )
    if not turned_off:
        return False
    text = format_lazy(NOTICES[why], name=subscription.name)
    agent_notify(users=webhook_admins(), ticket=None, kind="webhook-disabled", text=text)
    return True
