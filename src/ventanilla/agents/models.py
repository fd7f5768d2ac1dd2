"""Agent profile (role, language, availability, signature), Team, Notification, LoginAttempt.

An agent is a Django ``User`` with an ``AgentProfile``; customers never log in to the
workspace. Roles, from most to least powerful: admin, supervisor, agent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

LANGUAGE_CHOICES = [("es", _("Spanish")), ("en", _("English"))]


class Role(models.TextChoices):
    """What an agent may do (see ``agents.permissions``)."""

    ADMIN = "admin", _("administrator")
    SUPERVISOR = "supervisor", _("supervisor")
    AGENT = "agent", _("agent")


class AssignmentPolicy(models.TextChoices):
    """How a team hands out new tickets on arrival."""

    MANUAL = "manual", _("manual (agents take tickets)")
    ROUND_ROBIN = "round-robin", _("round robin")
    LEAST_LOAD = "least-load", _("least open tickets")


class Team(models.Model):
    """A queue of agents; each mailbox routes its new tickets to one team."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    policy = models.CharField(
        _("assignment on arrival"),
        max_length=16,
        choices=AssignmentPolicy.choices,
        default=AssignmentPolicy.MANUAL,
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="teams", blank=True, verbose_name=_("members")
    )
    # Round robin remembers who got the last ticket, so the next one goes to the next member.
    last_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgentProfile(models.Model):
    """What Ventanilla knows about an agent beyond Django's ``User``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.AGENT)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES, default="es")
    # Away agents get no automatic assignment; ``away_until`` ends the absence by itself.
    away = models.BooleanField(_("away"), default=False)
    away_until = models.DateTimeField(_("away until"), null=True, blank=True)
    signature = models.TextField(_("signature"), blank=True)

    class Meta:
        verbose_name = _("agent profile")
        verbose_name_plural = _("agent profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class Notification(models.Model):
    """An in-app notice for one agent (assignment, SLA warning or breach, mention...)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=32)
    text = models.CharField(_("text"), max_length=500)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_read")]

    def __str__(self) -> str:
        return f"{self.user}: {self.text}"


class LoginAttempt(models.Model):
    """One failed login, kept for rate limiting (shared by every web process via the DB)."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")
        indexes = [models.Index(fields=["ip", "at"], name="loginattempt_ip_at")]

    def __str__(self) -> str:
        return f"{self.username} {self.ip} {self.at}"


# Registered with the app here, defined in their own module.
from ventanilla.agents.audit_log import SensitiveAction, SensitiveKind  # noqa: E402, F401
from ventanilla.agents.tokens import ApiToken, ApiTokenScope  # noqa: E402, F401
