"""The outbox: one row per outgoing mail, written with the change that caused it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ventanilla.mail.models.mailbox import Mailbox


class OutboundState(models.TextChoices):
    """Where an outgoing mail is."""

    QUEUED = "queued", _("queued")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed permanently")


class OutboundKind(models.TextChoices):
    """Why we send a mail."""

    ACK = "ack", _("acknowledgement")
    REPLY = "reply", _("reply")
    RESOLUTION = "resolution", _("resolution notice")
    NOTIFICATION = "notification", _("notification")
    PORTAL_SIGNIN = "portal_signin", _("portal sign-in link")


class OutboundMessage(models.Model):
    """One outgoing mail, written in the same transaction as the change that caused it."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.PROTECT, related_name="outbound")
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, null=True, blank=True, related_name="outbound"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=OutboundKind.choices)
    envelope_from = models.CharField(_("envelope sender"), max_length=320)
    recipients = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=998)
    message_id = models.CharField(_("Message-ID"), max_length=998, unique=True)
    raw = models.BinaryField()
    state = models.CharField(
        _("state"), max_length=16, choices=OutboundState.choices, default=OutboundState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # Set while a worker is sending the row (``outbound/send.py``): its lease, renewed every
    # few seconds while the SMTP conversation lasts; null otherwise. A lease left to expire
    # means the worker died, and the row is sent again as soon as it does.
    leased_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbound_state_next"),
            models.Index(fields=["kind", "created_at"], name="outbound_kind_created"),
            # The acknowledgement limit (``outbound.policy.ack_rate_limited``) counts one
            # customer's acks through his tickets: covering, so each ticket is one probe and
            # the count never scans every recent ack, whatever the planner's statistics.
            models.Index(
                fields=["ticket", "kind", "mailbox", "created_at"], name="outbound_ticket_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.recipients)} ({self.state})"
