"""App config for Webhooks."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Webhook subscriptions and their signed, ordered delivery outbox."""

    name = "ventanilla.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")
