"""Tickets and their conversation, plus the configuration of priority and SLA.

Ticket, Article (one per mail or note), Attachment, Participant, TicketEvent, TicketCounter,
Tag, CannedResponse, PriorityCell (the urgency × impact matrix), SlaPolicy, BusinessCalendar
and Holiday.
"""

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
    # --- triage (issue 4) ------------------------------------------------------------------
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
    # --- SLA (issue 4): due dates in business time; the stored facts once they happen ------
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


class ArticleDirection(models.TextChoices):
    """Whether an article came in or went out."""

    IN = "in", _("inbound")
    OUT = "out", _("outbound")


class ArticleKind(models.TextChoices):
    """What an article is."""

    MAIL = "mail", _("mail")
    AUTO_REPLY = "auto-reply", _("auto-reply")
    BOUNCE = "bounce", _("bounce")
    NOTE = "note", _("internal note")


class Article(models.Model):
    """One entry in a ticket's conversation: a mail in or out, or an internal note."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="articles")
    inbound = models.ForeignKey(
        "mail.InboundMessage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    direction = models.CharField(_("direction"), max_length=4, choices=ArticleDirection.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=ArticleKind.choices)
    sender_email = models.CharField(_("from address"), max_length=320, blank=True)
    sender_name = models.CharField(_("from name"), max_length=200, blank=True)
    to = models.JSONField(_("to"), default=list)
    cc = models.JSONField(_("cc"), default=list)
    subject = models.CharField(_("subject"), max_length=998, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=998, blank=True, db_index=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=998, blank=True)
    text = models.TextField(_("text"), blank=True)
    new_text = models.TextField(_("new text"), blank=True)
    html = models.TextField(_("sanitised HTML"), blank=True)
    sent_at = models.DateTimeField(_("date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    # What parsing had to salvage, shown on the article: {"too_complex": true,
    # "hidden_parts": 9000} for a message too deep or wide to read in full, {"sender":
    # "reply-to"} when the sender was not read from a well-formed From. Empty: nothing.
    salvage = models.JSONField(_("salvage notes"), default=dict, blank=True)
    # The agent who wrote an outbound reply or a note (null for mail and system articles).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("author"),
    )
    # The outbox row that carries an outbound article (its delivery state is shown).
    outbound = models.ForeignKey(
        "mail.OutboundMessage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="article_ticket_created")]

    def __str__(self) -> str:
        return f"{self.ticket.number} {self.direction} {self.kind} {self.subject}"


class Attachment(models.Model):
    """A file carried by an article; the bytes live in the content-addressed blob store."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("filename"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=255)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64, db_index=True)
    content_id = models.CharField(_("Content-ID"), max_length=998, blank=True)
    inline = models.BooleanField(_("inline"), default=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class TicketEvent(models.Model):
    """One audit row: what happened to a ticket, when, and by whom."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=40)
    actor = models.CharField(_("actor"), max_length=200, default="system")
    data = models.JSONField(_("data"), default=dict)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket.number} {self.kind}"


class CannedResponse(models.Model):
    """A reusable answer; the body may use {{ customer_name }}, {{ ticket_number }}, etc."""

    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(
        _("language"), max_length=8, choices=[("es", _("Spanish")), ("en", _("English"))]
    )
    body = models.TextField(_("body"))
    team = models.ForeignKey(
        "agents.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_responses",
        help_text=_("Empty: available to every team."),
    )

    class Meta:
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class PriorityCell(models.Model):
    """One cell of the configurable urgency × impact → priority matrix."""

    urgency = models.CharField(_("urgency"), max_length=8, choices=Level.choices)
    impact = models.CharField(_("impact"), max_length=8, choices=Level.choices)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)

    class Meta:
        verbose_name = _("priority matrix cell")
        verbose_name_plural = _("priority matrix")
        constraints = [
            models.UniqueConstraint(fields=["urgency", "impact"], name="prioritycell_unique")
        ]

    def __str__(self) -> str:
        return f"{self.urgency} × {self.impact} → P{self.priority}"


class BusinessCalendar(models.Model):
    """Working hours and holidays that SLA clocks count in.

    ``hours`` maps ISO weekday (1 = Monday) to ``[["09:00", "14:00"], ["15:00", "18:00"]]``.
    With ``spanish_holidays`` the national holidays of Spain (including Good Friday) count
    as closed days in every year, besides the ``Holiday`` rows.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Madrid")
    hours = models.JSONField(_("working hours"), default=dict)
    spanish_holidays = models.BooleanField(_("Spanish national holidays"), default=True)
    is_default = models.BooleanField(_("default calendar"), default=False)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.name


class Holiday(models.Model):
    """A closed day of one calendar (regional or local holidays, company days off)."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="holidays"
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="holiday_calendar_date")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class SlaPolicy(models.Model):
    """Targets for one priority, in business minutes of ``calendar``."""

    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, unique=True
    )
    first_response_minutes = models.PositiveIntegerField(_("first response (business minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution (business minutes)"))
    # Warn the assignee and supervisors when this share of the time has gone.
    warn_percent = models.PositiveSmallIntegerField(_("warn at (% of the time)"), default=80)
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        ordering = ["priority"]

    def __str__(self) -> str:
        return f"P{self.priority}: {self.first_response_minutes}/{self.resolution_minutes} min"
