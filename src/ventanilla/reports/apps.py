"""App config for Reports."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Reports for supervisors: rollups kept as tickets change, charts, CSV."""

    name = "ventanilla.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        """Listen to every audit row tickets writes (in its transaction)."""
        from ventanilla.reports.listeners import on_events_recorded
        from ventanilla.tickets.signals import events_recorded

        events_recorded.connect(on_events_recorded, dispatch_uid="reports-rollups")
