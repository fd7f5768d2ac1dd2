"""Customer model: one row per sender address."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

LANGUAGE_CHOICES = [("es", _("Spanish")), ("en", _("English"))]


class Customer(models.Model):
    """A person who writes to a support address, known by the lowercased address."""

    email = models.EmailField(_("email"), max_length=320, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    # Empty until known: set from detection on first mail, or by an agent.
    language = models.CharField(_("language"), max_length=8, blank=True, choices=LANGUAGE_CHOICES)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["email"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email
