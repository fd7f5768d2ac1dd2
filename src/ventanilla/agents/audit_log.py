"""The log of agents' sensitive actions: sign-ins, role changes, exports, erasures.

Append-only: rows are written by ``agents/audit.py`` (signal receivers and services) and
never changed afterwards; the admin shows them without add, change or delete permission.
It lives in ``agents`` (low in the layers) so every layer above can write to it.

The log holds no customer's personal data: a customer is named by his row id and a keyed
digest of his address (``privacy``), so erasing him leaves the log as it was.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SensitiveKind(models.TextChoices):
    """What kind of sensitive action a row records."""

    SIGNIN = "signin", _("sign-in")
    SIGNIN_FAILED = "signin-failed", _("failed sign-in")
    SIGNOUT = "signout", _("sign-out")
    ROLE_CHANGED = "role-changed", _("role changed")
    EXPORT = "export", _("data export")
    ERASURE = "erasure", _("erasure")
    RETENTION = "retention", _("retention run")


class SensitiveAction(models.Model):
    """One sensitive action: who did what to whom, when and from where."""

    kind = models.CharField(_("kind"), max_length=24, choices=SensitiveKind.choices)
    # The agent who acted; the username is kept too, so the row still reads once the user
    # is deleted (and for failed sign-ins, where there is no user).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    # Whom or what it concerned: "user:<username>", "customer:<id>", "tickets".
    target = models.CharField(_("target"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("sensitive action")
        verbose_name_plural = _("sensitive actions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "created_at"], name="sensitive_kind_created")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.kind} {self.actor_name} {self.target}"
