"""App configuration for the agent workspace."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """The agent workspace (inbox, ticket view, login)."""

    name = "ventanilla.workspace"
    label = "workspace"
    verbose_name = _("Agent workspace")
