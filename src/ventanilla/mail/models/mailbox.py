"""Mailboxes (support addresses and their mail settings) and their own mail templates."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

LANGUAGE_CHOICES = [("es", _("Spanish")), ("en", _("English"))]


class AgentMailCheck(models.TextChoices):
    """What proves that an agent's mail answer (``handlers/agent_mail.py``) is really his."""

    # A DKIM signature aligned with his From domain, or a pass in trusted A-R headers.
    AUTHENTICATED = "authenticated", _("recipient token and authenticated sender")
    # Only the token: for domains that sign nothing. Whoever gets a notification mail that
    # was sent to the agent (forwarded, or read from his mailbox) can then write as him.
    TOKEN_ONLY = "token-only", _("recipient token only (sender not authenticated)")


class Mailbox(models.Model):
    """A support address (``soporte@empresa.es``) with its ticket prefix and mail settings."""

    name = models.CharField(_("name"), max_length=100)
    address = models.EmailField(_("address"), max_length=320, unique=True)
    prefix = models.CharField(
        _("ticket prefix"),
        max_length=10,
        unique=True,
        help_text=_(
            "Upper-case letters and digits, e.g. SOP: tickets are numbered SOP-2026-00042."
        ),
    )
    sender_name = models.CharField(_("sender name"), max_length=100, blank=True)
    default_language = models.CharField(
        _("default language"), max_length=8, choices=LANGUAGE_CHOICES, default="es"
    )
    fallback_contact = models.EmailField(
        _("fallback contact"),
        max_length=320,
        blank=True,
        help_text=_("Named in the acknowledgement: where to write if anything goes wrong."),
    )
    active = models.BooleanField(_("active"), default=True)
    ack_enabled = models.BooleanField(_("send acknowledgements"), default=True)
    ack_limit = models.PositiveIntegerField(_("acknowledgements per sender per window"), default=10)
    ack_window_minutes = models.PositiveIntegerField(
        _("acknowledgement window (minutes)"), default=180
    )
    max_message_bytes = models.PositiveIntegerField(
        _("largest message accepted (bytes)"), default=40 * 1024 * 1024
    )
    team = models.ForeignKey(
        "agents.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mailboxes",
        verbose_name=_("team"),
        help_text=_("New tickets of this mailbox go to this team's queue."),
    )
    signature = models.TextField(
        _("signature"), blank=True, help_text=_("Added below the agent's signature in replies.")
    )
    # HTTP intake: sha256 of the mailbox's secret token; the token itself is shown
    # once, when it is generated (``ventanilla mail token ADDRESS``), and never stored.
    intake_token_sha256 = models.CharField(max_length=64, blank=True)
    # Sender trust (``parse/auth.py``): receiving servers of this mailbox whose
    # Authentication-Results (RFC 8601) we believe, besides VENTANILLA_TRUSTED_AUTHSERV_IDS.
    trusted_authserv_ids = models.CharField(
        _("trusted authserv-ids"),
        max_length=500,
        blank=True,
        help_text=_(
            "Comma-separated. The Authentication-Results of these servers are believed for "
            "this mailbox's mail (they must remove headers with their own name on the way in)."
        ),
    )
    agent_mail_check = models.CharField(
        _("agents answering by mail"),
        max_length=16,
        choices=AgentMailCheck.choices,
        default=AgentMailCheck.AUTHENTICATED,
        help_text=_(
            "An agent's answer by mail must always answer a notification sent to that agent. "
            "By default it must also be authenticated (a DKIM signature of the agent's "
            "domain or a pass from a trusted server)."
        ),
    )

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["address"]

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"

    @property
    def domain(self) -> str:
        """Return the domain part of the address (used in our Message-IDs)."""
        return self.address.rsplit("@", 1)[-1]


class MailTemplateKind(models.TextChoices):
    """Which automatic mail a template renders."""

    ACK = "ack", _("acknowledgement")
    RESOLUTION = "resolution", _("resolution notice")


class MailTemplate(models.Model):
    """A mailbox's own wording of an automatic mail in one language.

    Without a row, the built-in translated template (``templates/mail/<kind>.*``) is used.
    Subject and body are Django templates rendered with the ticket's data.
    """

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="templates")
    kind = models.CharField(_("kind"), max_length=16, choices=MailTemplateKind.choices)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("mail template")
        verbose_name_plural = _("mail templates")
        constraints = [
            models.UniqueConstraint(
                fields=["mailbox", "kind", "language"], name="mailtemplate_unique_kind_lang"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mailbox.prefix} {self.kind} ({self.language})"
