"""Notices about the service of one mailbox, shown to customers while they are in force.

An administrator publishes, say, "we are migrating our support tool this week; if you get no
automatic reply, write to ..." with a start and an end. While it is in force it goes into
every acknowledgement of that mailbox (in the customer's language) and on the portal pages.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ventanilla.mail.models.mailbox import Mailbox


class MailboxNotice(models.Model):
    """A notice of one mailbox, in force from ``starts_at`` (included) to ``ends_at`` (excluded)."""

    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.CASCADE, related_name="notices", verbose_name=_("mailbox")
    )
    text_es = models.TextField(_("text in Spanish"))
    text_en = models.TextField(_("text in English"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    created_at = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        verbose_name = _("service notice")
        verbose_name_plural = _("service notices")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["mailbox", "ends_at"], name="notice_mailbox_ends")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="notice_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.mailbox_id}: {self.text_en[:50]}"

    def text_in(self, language: str) -> str:
        """Return the text in ``language`` ("es" or "en"), else the one that was written."""
        first, other = (
            (self.text_en, self.text_es) if language == "en" else (self.text_es, self.text_en)
        )
        return (first or other).strip()
