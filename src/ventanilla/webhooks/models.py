"""Webhook subscriptions and their delivery outbox (one row per event and subscription).

A subscription's secret is encrypted at rest (``core/encryption.py``) because we must read it
back to sign every request; it is written and read only through ``secret``. Deliveries carry
a ``sequence`` per subscription, given inside the transaction that recorded the event, and
the worker sends a subscription's deliveries strictly in that order.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ventanilla.core.encryption import secret_decrypt, secret_encrypt

# The HKDF purpose label of webhook secrets: changing it would make every stored one unreadable.
WEBHOOK_SECRET_PURPOSE = "webhook secret"  # noqa: S105 (a label, not a secret)


class EventType(models.TextChoices):
    """What a subscriber may ask to be told about (the ``type`` of every payload)."""

    TICKET_CREATED = "ticket.created", _("ticket created")
    TICKET_UPDATED = "ticket.updated", _("ticket updated")
    TICKET_STATUS_CHANGED = "ticket.status_changed", _("ticket status changed")
    TICKET_ASSIGNED = "ticket.assigned", _("ticket assigned")
    TICKET_MERGED = "ticket.merged", _("ticket merged")
    ARTICLE_CREATED = "article.created", _("article created")
    RATING_RECEIVED = "rating.received", _("rating received")
    SLA_WARNING = "sla.warning", _("SLA warning")
    SLA_BREACHED = "sla.breached", _("SLA breached")


class DeliveryStatus(models.TextChoices):
    """Where a delivery stands: waiting (first try or a retry), delivered, or given up."""

    PENDING = "pending", _("pending")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")


class WebhookSubscription(models.Model):
    """An HTTP endpoint told about the chosen events, with requests signed by its secret."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=2000)
    # Encrypted at rest; read and write it through ``secret``.
    secret_encrypted = models.TextField(_("secret (encrypted)"))
    event_types = models.JSONField(_("event types"), default=list)
    active = models.BooleanField(_("active"), default=True)
    # Loopback, private and link-local targets are refused unless an admin allows them here.
    allow_private_network = models.BooleanField(_("allow private network"), default=False)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    disabled_reason = models.CharField(_("disabled reason"), max_length=500, blank=True)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    # The sequence of the last delivery written; raised in the transaction of each event.
    last_sequence = models.PositiveBigIntegerField(_("last sequence"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["active"], name="webhooksub_active")]

    def __str__(self) -> str:
        return self.name

    @property
    def secret(self) -> str:
        """The signing secret in clear, decrypted now (``SecretDecryptError`` on a wrong key)."""
        return secret_decrypt(self.secret_encrypted, purpose=WEBHOOK_SECRET_PURPOSE)

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_encrypted = secret_encrypt(value, purpose=WEBHOOK_SECRET_PURPOSE)


class WebhookDelivery(models.Model):
    """One event for one subscription: its payload, its place in line and its attempts."""

    subscription = models.ForeignKey(
        WebhookSubscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("subscription"),
    )
    # Sent as ``Ventanilla-Delivery`` and as the payload's ``id``: the same on every attempt.
    delivery_id = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True)
    event_type = models.CharField(_("event type"), max_length=32, choices=EventType.choices)
    ticket_event_id = models.BigIntegerField(_("ticket event"), null=True, blank=True)
    payload = models.JSONField(_("payload"))
    sequence = models.PositiveBigIntegerField(_("sequence"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    first_attempt_at = models.DateTimeField(_("first attempt"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_response_code = models.PositiveSmallIntegerField(
        _("last response code"), null=True, blank=True
    )
    last_response_body = models.CharField(_("last response (excerpt)"), max_length=1000, blank=True)
    last_error = models.CharField(_("last error"), max_length=1000, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "sequence"], name="webhookdelivery_sub_sequence"
            )
        ]
        indexes = [
            models.Index(
                fields=["subscription", "status", "sequence"], name="webhookdelivery_line"
            ),
            models.Index(fields=["status", "next_attempt_at"], name="webhookdelivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.sequence} → {self.subscription_id}"
