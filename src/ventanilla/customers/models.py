"""Customer (one row per sender address) and Organisation (a client company, by domain)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

LANGUAGE_CHOICES = [("es", _("Spanish")), ("en", _("English"))]


class ServiceTier(models.TextChoices):
    """The service level a client pays for; feeds the urgency/impact suggestion."""

    BASIC = "basic", _("basic")
    STANDARD = "standard", _("standard")
    PREMIUM = "premium", _("premium")


class Organisation(models.Model):
    """A client company; its customers are recognised by the domain of their address."""

    name = models.CharField(_("name"), max_length=200)
    domain = models.CharField(_("mail domain"), max_length=253, unique=True)
    tier = models.CharField(
        _("service tier"), max_length=16, choices=ServiceTier.choices, default=ServiceTier.STANDARD
    )
    # Whether its customers see each other's tickets in the portal ("all my requests").
    portal_shares_tickets = models.BooleanField(
        _("members see the organisation's tickets in the portal"), default=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    """A person who writes to a support address, known by the lowercased address."""

    email = models.EmailField(_("email"), max_length=320, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    # Empty until known: set from detection on first mail, or by an agent.
    language = models.CharField(_("language"), max_length=8, blank=True, choices=LANGUAGE_CHOICES)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customers",
        verbose_name=_("organisation"),
    )
    # Empty: the organisation's tier applies (or standard).
    tier = models.CharField(
        _("service tier"), max_length=16, choices=ServiceTier.choices, blank=True
    )
    # Set when the sender floods us: tickets are still created, acks are capped.
    flagged_at = models.DateTimeField(_("flagged"), null=True, blank=True)
    flag_reason = models.CharField(_("flag reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Part of every personal portal link of this customer (core/links.py): bumping it revokes
    # all his links at once.
    portal_link_generation = models.PositiveIntegerField(_("portal link generation"), default=0)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["email"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email
