"""IMAP accounts that we poll for a mailbox, with their password encrypted at rest."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ventanilla.core.encryption import secret_decrypt, secret_encrypt
from ventanilla.mail.models.mailbox import Mailbox

# The HKDF purpose label of IMAP passwords: changing it would make every stored one unreadable.
IMAP_PASSWORD_PURPOSE = "IMAP password"  # noqa: S105 (a label, not a secret)


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
