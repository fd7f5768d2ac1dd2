"""App config for search: its index tables and the listeners that keep them in step."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """Full-text search over tickets and knowledge articles."""

    name = "ventanilla.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        """Connect the index to the changes of tickets, customers and knowledge articles."""
        from ventanilla.search import listeners

        listeners.connect()
