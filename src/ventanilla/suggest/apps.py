"""App config for suggestions: stored embeddings and the signals that keep them fresh."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestConfig(AppConfig):
    """Related knowledge articles and similar resolved tickets for the ticket page."""

    name = "ventanilla.suggest"
    label = "suggest"
    verbose_name = _("Suggestions")

    def ready(self) -> None:
        """Connect the post_save receivers that schedule embeddings after commit."""
        from ventanilla.suggest import signals  # noqa: F401
