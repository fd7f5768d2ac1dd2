"""Admin for mailboxes, the raw inbound store, the outbox, mail templates and blocked senders.

IMAP accounts and service notices have their own modules (``admin_imap.py``,
``admin_notices.py``), registered from here.

Mail bytes and rendered templates are shown as escaped text in ``<pre>``, never as HTML:
they come from strangers. Actions call services; they never write models themselves.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template import Template, TemplateSyntaxError
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ventanilla.mail.models import (
    BlockedSender,
    InboundMessage,
    Mailbox,
    MailTemplate,
    OutboundMessage,
)
from ventanilla.ops import (
    admin_imap,  # noqa: F401 (registers the IMAP accounts' admin)
    admin_notices,  # noqa: F401 (registers the service notices' admin)
)
from ventanilla.outbound.services import outbound_retry_now
from ventanilla.pipeline.services import inbound_process, inbound_requeue
from ventanilla.tickets.outgoing import ack_preview

# Bigger messages are cut in the page (the full bytes stay in the database).
RAW_SHOWN_BYTES = 256 * 1024


def raw_as_text(raw: bytes | memoryview | None) -> SafeString:
    """Return mail bytes as escaped text in a ``<pre>`` (decoded leniently, cut if huge)."""
    data = bytes(raw or b"")
    text = data[:RAW_SHOWN_BYTES].decode("utf-8", errors="replace")
    if len(data) > RAW_SHOWN_BYTES:
        text += f"\n\n[… {len(data) - RAW_SHOWN_BYTES} more bytes not shown]"
    return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin[Mailbox]):
    """Support addresses and their acknowledgement settings."""

    list_display = ("address", "name", "prefix", "default_language", "ack_enabled", "active")
    list_filter = ("active", "ack_enabled", "default_language")
    search_fields = ("address", "name", "prefix")


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin[InboundMessage]):
    """The received mail as stored; quarantined messages can be reprocessed."""

    list_display = (
        "id",
        "received_at",
        "state",
        "sender",
        "subject",
        "source",
        "ticket",
        "short_error",
    )
    list_filter = ("state", "source", "mailbox")
    search_fields = ("sender", "subject", "message_id", "sha256")
    list_select_related = ("ticket",)
    date_hierarchy = "received_at"
    actions = ("reprocess",)
    exclude = ("raw",)
    readonly_fields = (
        "sha256",
        "size",
        "source",
        "envelope_from",
        "envelope_to",
        "mailbox",
        "message_id",
        "sender",
        "subject",
        "state",
        "send_ack",
        "attempts",
        "error",
        "rule_hits",
        "reasons",
        "received_at",
        "processed_at",
        "ticket",
        "raw_text",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Mail comes in through ``ingest_raw`` only."""
        return False

    @admin.display(description=_("error"))
    def short_error(self, obj: InboundMessage) -> str:
        """The last line of the error (a traceback ends with the exception): why quarantined."""
        lines = obj.error.strip().splitlines()
        return lines[-1][:120] if lines else ""

    @admin.display(description=_("raw message"))
    def raw_text(self, obj: InboundMessage) -> SafeString:
        """The exact received bytes, as text."""
        return raw_as_text(obj.raw)

    @admin.action(description=_("Reprocess (quarantined messages)"))
    def reprocess(self, request: HttpRequest, queryset: QuerySet[InboundMessage]) -> None:
        """Send quarantined messages through the pipeline again."""
        done, skipped = 0, 0
        for inbound_id in queryset.values_list("pk", flat=True):
            if inbound_requeue(inbound_id=inbound_id):
                inbound_process(inbound_id=inbound_id)
                done += 1
            else:
                skipped += 1
        self.message_user(
            request,
            ngettext("%(count)d message reprocessed.", "%(count)d messages reprocessed.", done)
            % {"count": done},
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message skipped: only quarantined mail can be reprocessed.",
                    "%(count)d messages skipped: only quarantined mail can be reprocessed.",
                    skipped,
                )
                % {"count": skipped},
                level=messages.WARNING,
            )


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin[OutboundMessage]):
    """The outbox: what we sent or will send, and why a mail failed."""

    list_display = (
        "id",
        "created_at",
        "kind",
        "state",
        "recipients",
        "subject",
        "attempts",
        "next_attempt_at",
        "sent_at",
    )
    list_filter = ("state", "kind", "mailbox")
    search_fields = ("subject", "message_id", "last_error")
    date_hierarchy = "created_at"
    actions = ("retry_now",)
    exclude = ("raw",)
    readonly_fields = (
        "mailbox",
        "ticket",
        "kind",
        "envelope_from",
        "recipients",
        "subject",
        "message_id",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
        "raw_text",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Mail is queued by services (``outbound_queue``) only."""
        return False

    @admin.display(description=_("message"))
    def raw_text(self, obj: OutboundMessage) -> SafeString:
        """The exact bytes we send, as text."""
        return raw_as_text(obj.raw)

    @admin.action(description=_("Retry now"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutboundMessage]) -> None:
        """Queue the selected unsent mails again, due now."""
        count = sum(
            outbound_retry_now(outbound_id=pk) for pk in queryset.values_list("pk", flat=True)
        )
        self.message_user(
            request,
            ngettext("%(count)d mail queued again.", "%(count)d mails queued again.", count)
            % {"count": count},
        )


class MailTemplateForm(forms.ModelForm[MailTemplate]):
    """Refuse a template that does not compile, instead of failing at send time."""

    class Meta:
        model = MailTemplate
        fields = ("mailbox", "kind", "language", "subject", "body")

    def clean(self) -> dict[str, Any]:
        """Compile subject and body as Django templates."""
        cleaned = super().clean() or {}
        for field in ("subject", "body"):
            source = cleaned.get(field)
            if source:
                try:
                    Template(source)
                except TemplateSyntaxError as exc:
                    self.add_error(field, str(exc))
        return cleaned


@admin.register(MailTemplate)
class MailTemplateAdmin(admin.ModelAdmin[MailTemplate]):
    """A mailbox's own wording of the acknowledgement, with a preview."""

    form = MailTemplateForm
    list_display = ("mailbox", "kind", "language", "subject", "updated_at")
    list_filter = ("mailbox", "kind", "language")
    readonly_fields = ("updated_at", "preview")

    @admin.display(description=_("preview"))
    def preview(self, obj: MailTemplate) -> SafeString:
        """The template rendered with the mailbox's latest ticket (or sample data)."""
        if obj._state.adding:
            return format_html("<p>{}</p>", _("Save to see a preview."))
        try:
            rendered = ack_preview(template=obj)
        except Exception as exc:  # any template error (syntax, a filter) is shown, not raised
            return format_html("<p>{}</p><pre>{}</pre>", _("The template fails:"), str(exc))
        return format_html(
            '<p><strong>{}</strong> {}</p><pre style="white-space: pre-wrap">{}</pre>',
            _("Subject:"),
            rendered.subject,
            rendered.text,
        )


@admin.register(BlockedSender)
class BlockedSenderAdmin(admin.ModelAdmin[BlockedSender]):
    """Addresses and domains whose mail is ignored."""

    list_display = ("pattern", "reason", "created_at")
    search_fields = ("pattern", "reason")
