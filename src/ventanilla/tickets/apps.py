"""App config for tickets."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    """Tickets and their conversation."""

    name = "ventanilla.tickets"
    label = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        """Register the huey tasks, the SLA cache clearing and the delivery-result listener."""
        from django.db.models.signals import post_delete, post_save

        from ventanilla.tickets import models
        from ventanilla.tickets.sla_config import sla_config_clear

        for model in (
            models.PriorityCell,
            models.SlaPolicy,
            models.BusinessCalendar,
            models.Holiday,
        ):
            uid = f"{model.__name__}-sla-cache"
            post_save.connect(sla_config_clear, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(sla_config_clear, sender=model, dispatch_uid=f"{uid}-del")
        # A mail outbound gave up on is written on its ticket (outbound knows no tickets).
        from ventanilla.outbound.signals import delivery_result
        from ventanilla.tickets import tasks  # noqa: F401
        from ventanilla.tickets.outgoing import delivery_result_record

        delivery_result.connect(delivery_result_record, dispatch_uid="tickets-delivery-result")
