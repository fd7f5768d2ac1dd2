"""App config of ``ventanilla.agents``."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgentsConfig(AppConfig):
    """Agents, teams and roles."""

    name = "ventanilla.agents"
    verbose_name = _("Agents and teams")

    def ready(self) -> None:
        """Connect the sensitive-action log's receivers (sign-ins, role changes)."""
        from ventanilla.agents import audit_signals

        audit_signals.connect()
