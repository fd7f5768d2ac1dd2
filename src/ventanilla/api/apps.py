"""App config for REST API."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API v1 (django-ninja): tokens, idempotency, rate limits, OpenAPI."""

    name = "ventanilla.api"
    label = "api"
    verbose_name = _("REST API")

    def ready(self) -> None:
        """Register the API's periodic clean-up task with huey."""
        from ventanilla.api import tasks  # noqa: F401
