"""The raw inbound store (the exact bytes of every received message) and blocked senders."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ventanilla.mail.models.mailbox import Mailbox


class InboundSource(models.TextChoices):
    """Which door a stored message came in by; ``IMPORT`` selects the import pipeline."""

    SMTP = "smtp"
    LMTP = "lmtp"
    IMAP = "imap"
    PIPE = "pipe"
    HTTP = "http"
    IMPORT = "import"  # an archive read by ``ventanilla mail import``
    DEMO = "demo"  # the example tickets of ``ventanilla demo``
    PORTAL = "portal"  # a new request written in the customer portal


class InboundState(models.TextChoices):
    """Where a stored message is in its life."""

    RECEIVED = "received", _("received")
    PROCESSED = "processed", _("processed")
    IGNORED = "ignored", _("ignored")
    DUPLICATE = "duplicate", _("duplicate")
    QUARANTINED = "quarantined", _("quarantined")


class InboundMessage(models.Model):
    """The exact bytes of one received message, stored before anyone acknowledges it.

    This row is the source of truth: everything else (tickets, articles, attachments) is
    derived from ``raw`` and can be derived again by ``ventanilla mail reprocess``.
    """

    sha256 = models.CharField(max_length=64, unique=True)
    # sha256 of the content only (``parse/fingerprint.py``: content headers and body, not the
    # transport headers), filled in by the deduplicate step for mail with a Message-ID.
    content_sha256 = models.CharField(max_length=64, blank=True)
    raw = models.BinaryField()
    size = models.PositiveIntegerField()
    source = models.CharField(_("source"), max_length=16)
    envelope_from = models.CharField(_("envelope sender"), max_length=998, blank=True)
    envelope_to = models.JSONField(_("envelope recipients"), default=list)
    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.PROTECT, null=True, blank=True, related_name="inbound"
    )
    # Filled in by the pipeline (parse step), kept here for duplicate detection and search.
    message_id = models.CharField(_("Message-ID"), max_length=998, blank=True)
    sender = models.CharField(_("sender"), max_length=320, blank=True)
    subject = models.CharField(_("subject"), max_length=998, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=InboundState.choices, default=InboundState.RECEIVED
    )
    send_ack = models.BooleanField(_("may acknowledge"), default=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    rule_hits = models.JSONField(_("rule hits"), default=list)
    reasons = models.JSONField(_("reasons"), default=list)
    # Sender trust: {"verdict": "pass"|"fail"|"none", "method": ..., "details": ...}
    authentication = models.JSONField(_("authentication"), default=dict)
    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound"
    )

    class Meta:
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["message_id", "sender"], name="inbound_msgid_sender"),
            models.Index(fields=["state", "received_at"], name="inbound_state_received"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject or self.sha256[:12]} ({self.state})"


class BlockedSender(models.Model):
    """An address (``x@y.com``) or a whole domain (``@y.com``) whose mail is ignored."""

    pattern = models.CharField(_("address or @domain"), max_length=320, unique=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("blocked sender")
        verbose_name_plural = _("blocked senders")
        ordering = ["pattern"]

    def __str__(self) -> str:
        return self.pattern
