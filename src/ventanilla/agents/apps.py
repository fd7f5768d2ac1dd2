"""App config of ``ventanilla.agents``."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgentsConfig(AppConfig):
    """Agents, teams and roles."""

    name = "ventanilla.agents"
    verbose_name = _("Agents and teams")
