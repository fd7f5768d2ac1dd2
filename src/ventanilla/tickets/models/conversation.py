"""A ticket's conversation and audit trail: articles, attachments, events and canned responses."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ventanilla.tickets.models.ticket import Ticket


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
