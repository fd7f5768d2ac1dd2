"""App configuration for the customer portal."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The customer portal: a ticket page behind a personal link, and the customer's pages."""

    name = "ventanilla.portal"
    label = "portal"
    verbose_name = _("Customer portal")

    def ready(self) -> None:
        """Register the portal's huey task (the sign-in mail)."""
        from ventanilla.portal import tasks  # noqa: F401
