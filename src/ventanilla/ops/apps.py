"""App config for operations: it registers the huey tasks of every layer below it."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Health, status, admin registrations and the ``ventanilla`` commands."""

    name = "ventanilla.ops"
    label = "ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        """Import the task modules so the worker knows every task by name.

        And ``heartbeat``, whose hooks start the worker's heartbeat with huey's consumer.
        """
        from ventanilla.intake import imap_tasks, tasks  # noqa: F401
        from ventanilla.ops import heartbeat  # noqa: F401
        from ventanilla.outbound import tasks as outbound_tasks  # noqa: F401
        from ventanilla.privacy import tasks as privacy_tasks  # noqa: F401
        from ventanilla.reports import tasks as reports_tasks  # noqa: F401
        from ventanilla.suggest import tasks as suggest_tasks  # noqa: F401
        from ventanilla.webhooks import tasks as webhooks_tasks  # noqa: F401
