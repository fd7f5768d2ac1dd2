"""Tickets: the case, its status and priority scales, number counter, tags and participants."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class TicketStatus(models.TextChoices):
    """The life of a ticket; only ``tickets.states.ticket_transition`` writes it."""

    NEW = "new", _("new")
    OPEN = "open", _("open")
    PENDING = "pending", _("waiting on customer")
    RESOLVED = "resolved", _("resolved")
    CLOSED = "closed", _("closed")


class Level(models.TextChoices):
    """Urgency and impact are each rated on this scale (the company's procedure)."""

    HIGH = "high", _("high")
    MEDIUM = "medium", _("medium")
    LOW = "low", _("low")


class Priority(models.IntegerChoices):
    """P1 is the most urgent; derived from urgency × impact through ``PriorityCell``."""

    P1 = 1, _("P1 critical")
    P2 = 2, _("P2 high")
    P3 = 3, _("P3 normal")
    P4 = 4, _("P4 low")


class Tag(models.Model):
    """A free label on tickets (``facturación``, ``vpn``...)."""

    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TicketCounter(models.Model):
    """The last number given per prefix and year; never decremented, so numbers never repeat."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="ticketcounter_prefix_year")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class Ticket(models.Model):
    """A customer's case, with a unique human-readable number such as ``SOP-2026-00042``."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    mailbox = models.ForeignKey("mail.Mailbox", on_delete=models.PROTECT, related_name="tickets")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="tickets"
    )
    subject = models.CharField(_("subject"), max_length=998, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=TicketStatus.choices, default=TicketStatus.NEW
    )
    language = models.CharField(_("language"), max_length=8, blank=True)
    possible_spoof = models.BooleanField(_("possibly spoofed"), default=False)
    received_at = models.DateTimeField(_("received"), db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    last_activity_at = models.DateTimeField(_("last activity"), db_index=True)
    # --- triage ----------------------------------------------------------------------------
    urgency = models.CharField(_("urgency"), max_length=8, choices=Level.choices, blank=True)
    impact = models.CharField(_("impact"), max_length=8, choices=Level.choices, blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.P3
    )
    # What the rules suggested on arrival, and why: {"urgency": "high", "impact": "medium",
    # "priority": 2, "reasons": [{"rule": "keyword", "text": "«caído»", "sets": "urgency"}]}.
    suggestion = models.JSONField(_("suggestion"), default=dict, blank=True)
    triaged = models.BooleanField(_("priority confirmed by an agent"), default=False)
    team = models.ForeignKey(
        "agents.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("team"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets", verbose_name=_("tags"))
    resolution_note = models.TextField(_("resolution note"), blank=True)
    # A closed ticket answered after the reopen window spawns a new ticket linked here.
    follow_up_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("follow-up of"),
    )
    # Merged tickets stay (their number still threads) but point at the surviving ticket.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name=_("merged into"),
    )
    # --- SLA: due dates in business time; the stored facts once they happen ------
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # While waiting on the customer the resolution clock stops; paused business minutes
    # are added to the due date when the clock starts again.
    sla_paused_at = models.DateTimeField(null=True, blank=True)
    sla_warned_at = models.DateTimeField(null=True, blank=True)
    sla_breached_at = models.DateTimeField(null=True, blank=True)
    # Part of every personal portal link to this ticket (core/links.py): bumping it revokes
    # all links issued so far, without a table of issued links.
    portal_link_generation = models.PositiveIntegerField(_("portal link generation"), default=0)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["status", "assignee", "priority"], name="ticket_status_assignee"),
            models.Index(fields=["status", "team", "priority"], name="ticket_status_team"),
            models.Index(fields=["status", "last_activity_at"], name="ticket_status_activity"),
            models.Index(fields=["status", "resolution_due_at"], name="ticket_status_due"),
            models.Index(fields=["customer", "received_at"], name="ticket_customer_received"),
            # The inbox sorts (tickets/inbox.py SORTS): an index scan in sort order stops after
            # one page instead of sorting every open ticket (benchmarks/web.py, 100k tickets).
            # Ascending columns are NULLS LAST by default in PostgreSQL, as the sorts ask;
            # SQLite rejects an explicit NULLS LAST in an index.
            models.Index(
                F("priority"),
                F("resolution_due_at"),
                F("id").desc(),
                name="ticket_sort_priority",
            ),
            models.Index(
                F("resolution_due_at"),
                F("priority"),
                F("id").desc(),
                name="ticket_sort_due",
            ),
            models.Index(F("last_activity_at").desc(), F("id").desc(), name="ticket_sort_activity"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"


class Participant(models.Model):
    """Someone besides the customer who takes part (Cc on a mail)."""

    class Role(models.TextChoices):
        CC = "cc", _("Cc")
        TO = "to", _("To")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="participants")
    email = models.EmailField(_("email"), max_length=320)
    name = models.CharField(_("name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.CC)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "email"], name="participant_ticket_email")
        ]

    def __str__(self) -> str:
        return self.email
