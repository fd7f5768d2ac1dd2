"""Personal API tokens: an agent's key to the REST API, stored as a hash, never in clear.

The token is shown once when it is made. What the database keeps is a short public prefix
(to find the row without scanning) and the sha256 of the whole token: the token carries 256
random bits, so a fast hash is enough (a slow password hash defends low-entropy secrets),
and a leaked table yields no usable key.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiTokenScope(models.TextChoices):
    """What a token may do: read only, or read and write."""

    READ = "read", _("read only")
    WRITE = "write", _("read and write")


class ApiToken(models.Model):
    """One personal API token of an agent (``Authorization: Bearer <token>``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    sha256 = models.CharField(max_length=64)
    scope = models.CharField(
        _("scope"), max_length=8, choices=ApiTokenScope.choices, default=ApiTokenScope.READ
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        app_label = "agents"
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.name} ({self.prefix})"
