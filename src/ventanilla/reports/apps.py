"""App config for Reports."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Reports for supervisors: rollups kept as tickets change, charts, CSV."""

    name = "ventanilla.reports"
    label = "reports"
    verbose_name = _("Reports")
