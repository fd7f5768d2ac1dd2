"""Ticket, Article (one per mail or note), Attachment, Participant, TicketEvent, TicketCounter."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketStatus(models.TextChoices):
    """The life of a ticket; only ``tickets.states.ticket_transition`` writes it."""

    NEW = "new", _("new")
    OPEN = "open", _("open")
    PENDING = "pending", _("waiting on customer")
    RESOLVED = "resolved", _("resolved")
    CLOSED = "closed", _("closed")


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

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-received_at"]

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

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["created_at", "id"]

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
