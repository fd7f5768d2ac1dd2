"""Admin of webhooks: subscriptions (secret write-only) and the delivery log, with redeliver.

Subscriptions are saved through the services, so the admin checks what the API checks: the
event types, the URL, and that only an admin allows private network targets (the field is
read-only for anyone else). The secret is never shown back: a blank field keeps it, and a
new subscription without one gets a generated secret, shown once in the confirmation.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ventanilla.webhooks.models import EventType, WebhookDelivery, WebhookSubscription
from ventanilla.webhooks.services import (
    SubscriptionFields,
    webhook_delivery_redeliver,
    webhook_subscription_check,
    webhook_subscription_create,
    webhook_subscription_delete,
    webhook_subscription_update,
    webhook_user_is_admin,
)

STATE_FIELDS = ("failing_since", "disabled_reason", "disabled_at", "last_sequence")


class WebhookSubscriptionForm(forms.ModelForm[WebhookSubscription]):
    """The subscription's settings; the secret is written here and never shown again."""

    url = forms.URLField(label=_("URL"), max_length=2000, assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        label=_("event types"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )
    secret = forms.CharField(
        label=_("secret"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave blank to keep the stored secret (or to generate one)."),
    )

    class Meta:
        model = WebhookSubscription
        # Never ``secret_encrypted``: the ciphertext is not shown either.
        fields = ("name", "url", "event_types", "active", "allow_private_network")

    def clean(self) -> dict[str, Any]:
        """Check what the services check, so errors show on the form, not as a crash."""
        cleaned = super().clean() or {}
        allow = cleaned.get("allow_private_network", self.instance.allow_private_network)
        try:
            webhook_subscription_check(
                name=cleaned.get("name") or "",
                url=cleaned.get("url") or "",
                event_types=cleaned.get("event_types") or (),
                allow_private=bool(allow),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, errors)
        return cleaned


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin[WebhookSubscription]):
    """Webhook endpoints, their events and their health."""

    form = WebhookSubscriptionForm
    list_display = ("name", "url", "active", "allow_private_network", "failing_since")
    list_filter = ("active",)
    search_fields = ("name", "url")

    def get_readonly_fields(
        self, request: HttpRequest, obj: WebhookSubscription | None = None
    ) -> tuple[str, ...]:
        """Only an admin may allow private network targets."""
        extra = () if webhook_user_is_admin(request.user) else ("allow_private_network",)
        return (*extra, *STATE_FIELDS)

    def has_delete_permission(
        self, request: HttpRequest, obj: WebhookSubscription | None = None
    ) -> bool:
        """A subscription an admin let into the private network is deleted by an admin."""
        if (
            obj is not None
            and obj.allow_private_network
            and not webhook_user_is_admin(request.user)
        ):
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request: HttpRequest, obj: WebhookSubscription) -> None:
        """Delete through the service (it checks the same rule)."""
        assert isinstance(request.user, User)  # the admin site requires a login
        webhook_subscription_delete(actor=request.user, subscription=obj)

    def delete_queryset(
        self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]
    ) -> None:
        """Delete each selected subscription through the service."""
        for subscription in queryset:
            self.delete_model(request, subscription)

    def save_model(
        self, request: HttpRequest, obj: WebhookSubscription, form: Any, change: bool
    ) -> None:
        """Save through the services; a generated secret is shown this once."""
        data = form.cleaned_data
        fields = SubscriptionFields(
            name=data["name"],
            url=data["url"],
            event_types=data["event_types"],
            secret=data.get("secret") or None,
            active=data["active"],
            allow_private_network=data.get("allow_private_network"),
        )
        assert isinstance(request.user, User)  # the admin site requires a login
        if change:
            saved = webhook_subscription_update(actor=request.user, subscription=obj, fields=fields)
        else:
            saved = webhook_subscription_create(actor=request.user, fields=fields)
        obj.pk = saved.pk
        if not change and not fields.secret:
            self.message_user(
                request,
                gettext("The secret of %(name)s is %(secret)s. Copy it now: it is not shown again.")
                % {"name": saved.name, "secret": saved.secret},
                level=messages.WARNING,
            )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin[WebhookDelivery]):
    """The delivery log: what was sent where, the answers, and a redeliver action."""

    list_display = (
        "created_at",
        "subscription",
        "event_type",
        "sequence",
        "status",
        "attempts",
        "last_response_code",
        "next_attempt_at",
        "delivery_id",
    )
    list_filter = ("status", "event_type", "subscription")
    search_fields = ("delivery_id",)
    list_select_related = ("subscription",)
    actions = ("redeliver",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Deliveries come from events only."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """The log is read-only (redeliver is an action)."""
        return False

    @admin.action(description=_("Redeliver (a new attempt with the same delivery id)"))
    def redeliver(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        """Send each selected delivery again; those still waiting are left as they are."""
        sent = 0
        for delivery in queryset:
            try:
                webhook_delivery_redeliver(delivery=delivery)
            except ValidationError:
                continue
            sent += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery will be sent again.",
                "%(count)d deliveries will be sent again.",
                sent,
            )
            % {"count": sent},
            level=messages.SUCCESS,
        )
