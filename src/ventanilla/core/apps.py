"""App config for core."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared utilities."""

    name = "ventanilla.core"
    label = "core"
