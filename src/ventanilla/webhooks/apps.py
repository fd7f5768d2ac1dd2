"""App config for Webhooks: it listens to the tickets' audit rows to fill the outbox."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Webhook subscriptions and their signed, ordered delivery outbox."""

    name = "ventanilla.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        """Connect the outbox to ``events_recorded``, the cache to saves, erasure to the log."""
        from django.db.models.signals import post_delete, post_save

        from ventanilla.customers.signals import customer_erased
        from ventanilla.tickets.models import TicketEvent
        from ventanilla.tickets.signals import events_recorded
        from ventanilla.webhooks.cache import subscription_cache_clear
        from ventanilla.webhooks.erasure import on_customer_erased
        from ventanilla.webhooks.models import WebhookSubscription
        from ventanilla.webhooks.outbox import webhook_events_recorded

        events_recorded.connect(
            webhook_events_recorded, sender=TicketEvent, dispatch_uid="webhooks-outbox"
        )
        for signal in (post_save, post_delete):
            signal.connect(
                subscription_cache_clear,
                sender=WebhookSubscription,
                dispatch_uid=f"webhooks-cache-{signal is post_save}",
            )
        customer_erased.connect(on_customer_erased, dispatch_uid="webhooks-erasure")
