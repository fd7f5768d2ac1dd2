"""App config for the knowledge base."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    """Knowledge articles, their versions and their links to tickets."""

    name = "ventanilla.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge base")
