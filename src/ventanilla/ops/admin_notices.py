"""Admin of the mailboxes' service notices ("we are migrating our support tool this week...").

Registered from ``admin.py``. The dates are entered in the company's time zone (Django's
admin shows and reads ``TIME_ZONE``); the notice is in force from its start (included) to
its end (excluded), and the list says which ones are in force now.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ventanilla.mail.models import MailboxNotice


class MailboxNoticeForm(forms.ModelForm[MailboxNotice]):
    """Refuse an end that is not after the start (the database refuses it too)."""

    class Meta:
        model = MailboxNotice
        fields = ("mailbox", "text_es", "text_en", "starts_at", "ends_at")

    def clean(self) -> dict[str, Any]:
        """Check the window."""
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts is not None and ends is not None and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        return cleaned


@admin.register(MailboxNotice)
class MailboxNoticeAdmin(admin.ModelAdmin[MailboxNotice]):
    """Notices shown in acknowledgements and on the portal while they are in force."""

    form = MailboxNoticeForm
    list_display = ("mailbox", "text_es", "starts_at", "ends_at", "in_force", "created_by")
    list_filter = ("mailbox",)
    search_fields = ("text_es", "text_en")
    readonly_fields = ("created_by", "created_at")

    @admin.display(description=_("in force now"), boolean=True)
    def in_force(self, obj: MailboxNotice) -> bool:
        """Whether the notice is shown right now."""
        return obj.starts_at <= timezone.now() < obj.ends_at

    def save_model(self, request: HttpRequest, obj: MailboxNotice, form: Any, change: bool) -> None:
        """Record who published it (the first time)."""
        if not change and request.user.is_authenticated:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
