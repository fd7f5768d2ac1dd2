"""Mailboxes, IMAP accounts, the raw inbound store, the outbox, templates and blocked senders."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ventanilla.core.encryption import secret_decrypt, secret_encrypt

# The HKDF purpose label of IMAP passwords: changing it would make every stored one unreadable.
IMAP_PASSWORD_PURPOSE = "IMAP password"  # noqa: S105 (a label, not a secret)

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
    # HTTP intake (issue 3): sha256 of the mailbox's secret token; the token itself is shown
    # once, when it is generated (``ventanilla mail token ADDRESS``), and never stored.
    intake_token_sha256 = models.CharField(max_length=64, blank=True)
    # Sender trust (``mail/auth.py``): receiving servers of this mailbox whose
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


class ImapSecurity(models.TextChoices):
    """How the IMAP connection is protected."""

    TLS = "tls", _("TLS (port 993)")
    STARTTLS = "starttls", _("STARTTLS")
    NONE = "none", _("none (loopback and tests only)")


class ImapAuth(models.TextChoices):
    """How we log in."""

    PASSWORD = "password", _("password")
    XOAUTH2 = "xoauth2", _("OAuth2 (XOAUTH2)")


class ImapAfter(models.TextChoices):
    """What happens to a message on the server once ``ingest_raw`` has committed it."""

    SEEN = "seen", _("flag as seen")
    MOVE = "move", _("move to a folder")
    DELETE = "delete", _("delete")


class ImapAccount(models.Model):
    """A mailbox on an IMAP server that we poll (or IDLE on) for new mail."""

    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.CASCADE, related_name="imap_accounts", verbose_name=_("mailbox")
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    host = models.CharField(_("host"), max_length=253)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(
        _("security"), max_length=8, choices=ImapSecurity.choices, default=ImapSecurity.TLS
    )
    username = models.CharField(_("user"), max_length=320)
    auth = models.CharField(
        _("authentication"), max_length=8, choices=ImapAuth.choices, default=ImapAuth.PASSWORD
    )
    # Encrypted at rest (``core/encryption.py``); read and write it through ``password``.
    password_encrypted = models.TextField(_("password (encrypted)"), blank=True)
    # XOAUTH2: a command that prints a fresh access token (e.g. an MSAL or gcloud helper);
    # we never store refresh tokens ourselves.
    token_command = models.CharField(_("access-token command"), max_length=1000, blank=True)
    folder = models.CharField(_("folder"), max_length=200, default="INBOX")
    after = models.CharField(
        _("after storing"), max_length=8, choices=ImapAfter.choices, default=ImapAfter.SEEN
    )
    move_to = models.CharField(_("move to folder"), max_length=200, blank=True)
    batch_size = models.PositiveIntegerField(_("messages per poll"), default=200)
    poll_seconds = models.PositiveIntegerField(_("poll interval (seconds)"), default=60)
    use_idle = models.BooleanField(_("use IDLE when offered"), default=True)
    # Where we are on the server (RFC 3501 §2.3.1.1): a new UIDVALIDITY means the UIDs we
    # remember are void, and the folder is read again (duplicates are caught by sha256).
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    last_poll_at = models.DateTimeField(_("last poll"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last successful poll"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    failures = models.PositiveIntegerField(_("consecutive failures"), default=0)

    class Meta:
        verbose_name = _("IMAP account")
        verbose_name_plural = _("IMAP accounts")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.username}@{self.host})"

    @property
    def password(self) -> str:
        """The password in clear, decrypted now (raises ``SecretDecryptError`` on a wrong key)."""
        return secret_decrypt(self.password_encrypted, purpose=IMAP_PASSWORD_PURPOSE)

    @password.setter
    def password(self, value: str) -> None:
        self.password_encrypted = secret_encrypt(value, purpose=IMAP_PASSWORD_PURPOSE)


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
    # sha256 of the content only (``mail/fingerprint.py``: content headers and body, not the
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
    # Sender trust (issue 3): {"verdict": "pass"|"fail"|"none", "method": ..., "details": ...}
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
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.recipients)} ({self.state})"


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
