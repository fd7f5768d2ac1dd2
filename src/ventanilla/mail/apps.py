"""App config for mail."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    """Mail intake, processing and the outbox."""

    name = "ventanilla.mail"
    label = "mail"
    verbose_name = _("Mail")

    def ready(self) -> None:
        """Register the huey tasks with the consumer."""
        from ventanilla.mail import tasks  # noqa: F401
        from ventanilla.mail.outbound import tasks as outbound_tasks  # noqa: F401
