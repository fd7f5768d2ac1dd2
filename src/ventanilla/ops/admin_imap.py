"""Admin for IMAP accounts: set one up, change its password, test that it logs in.

The password is write-only: the form never renders it (nor its ciphertext) back, and a blank
field keeps the stored one. The "test connection" action logs in and opens the folder
read-only; it fetches nothing and changes nothing on the server or in the account's state.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ventanilla.intake.imap import connection_check
from ventanilla.mail.models import ImapAccount, ImapAuth

STATUS_FIELDS = (
    "last_poll_at",
    "last_success_at",
    "failures",
    "last_error",
    "uidvalidity",
    "last_uid",
)


class ImapAccountForm(forms.ModelForm[ImapAccount]):
    """The account's settings; the password is written here and never shown again."""

    password = forms.CharField(
        label=_("password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = ImapAccount
        # Never ``password_encrypted``: the ciphertext is not shown either.
        fields = (
            "name",
            "mailbox",
            "enabled",
            "host",
            "port",
            "security",
            "folder",
            "username",
            "auth",
            "token_command",
            "after",
            "move_to",
            "batch_size",
            "poll_seconds",
            "use_idle",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Say whether a password is stored (never which)."""
        super().__init__(*args, **kwargs)
        if self.instance.password_encrypted:
            help_text = _("A password is stored. Leave blank to keep it; type one to replace it.")
        else:
            help_text = _("No password is stored. Needed for password authentication.")
        self.fields["password"].help_text = help_text

    def clean(self) -> dict[str, Any]:
        """Password authentication needs a password; XOAUTH2 needs its token command."""
        cleaned = super().clean() or {}
        auth = cleaned.get("auth")
        has_password = bool(cleaned.get("password") or self.instance.password_encrypted)
        if auth == ImapAuth.PASSWORD and not has_password:
            self.add_error("password", _("Enter the password of this IMAP account."))
        if auth == ImapAuth.XOAUTH2 and not cleaned.get("token_command"):
            self.add_error("token_command", _("XOAUTH2 needs a command that prints a token."))
        return cleaned

    def save(self, commit: bool = True) -> ImapAccount:
        """Encrypt a newly typed password; with XOAUTH2 no password is kept at all."""
        account = super().save(commit=False)
        if account.auth == ImapAuth.XOAUTH2:
            account.password_encrypted = ""
        elif self.cleaned_data.get("password"):
            account.password = self.cleaned_data["password"]
        if commit:
            account.save()
            self.save_m2m()
        return account


@admin.register(ImapAccount)
class ImapAccountAdmin(admin.ModelAdmin[ImapAccount]):
    """IMAP accounts we poll: settings, poll health, and a connection test."""

    form = ImapAccountForm
    list_display = (
        "name",
        "mailbox",
        "host",
        "username",
        "enabled",
        "last_success_at",
        "failures",
        "short_error",
    )
    list_filter = ("enabled", "auth", "mailbox")
    search_fields = ("name", "host", "username")
    list_select_related = ("mailbox",)
    actions = ("test_connection",)
    readonly_fields = STATUS_FIELDS
    fieldsets = (
        (None, {"fields": ("name", "mailbox", "enabled")}),
        (_("Server"), {"fields": ("host", "port", "security", "folder")}),
        (_("Login"), {"fields": ("username", "auth", "password", "token_command")}),
        (
            _("Fetching"),
            {"fields": ("after", "move_to", "batch_size", "poll_seconds", "use_idle")},
        ),
        (_("Poll status"), {"fields": STATUS_FIELDS}),
    )

    @admin.display(description=_("last error"))
    def short_error(self, obj: ImapAccount) -> str:
        """The head of the last error: enough to name the cause in the list."""
        return obj.last_error[:120]

    @admin.action(description=_("Test connection (log in and open the folder)"))
    def test_connection(self, request: HttpRequest, queryset: QuerySet[ImapAccount]) -> None:
        """Log in to each selected account and open its folder read-only; report each result."""
        for account in queryset.select_related("mailbox"):
            try:
                count = connection_check(account)
            except Exception as exc:  # any failure is the answer the admin asked for
                self.message_user(
                    request,
                    gettext("%(name)s: connection failed: %(error)s")
                    % {"name": account.name, "error": f"{type(exc).__name__}: {exc}"},
                    level=messages.ERROR,
                )
                continue
            self.message_user(
                request,
                ngettext(
                    "%(name)s: logged in to %(host)s:%(port)d as %(user)s; folder %(folder)s "
                    "holds %(count)d message. Nothing was fetched.",
                    "%(name)s: logged in to %(host)s:%(port)d as %(user)s; folder %(folder)s "
                    "holds %(count)d messages. Nothing was fetched.",
                    count,
                )
                % {
                    "name": account.name,
                    "host": account.host,
                    "port": account.port,
                    "user": account.username,
                    "folder": account.folder,
                    "count": count,
                },
                level=messages.SUCCESS,
            )
