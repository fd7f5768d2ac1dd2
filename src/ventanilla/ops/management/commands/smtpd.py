"""``ventanilla smtpd [--listen HOST:PORT]``: run the SMTP listener until SIGTERM or SIGINT."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from ventanilla.intake.smtp import start_smtp_listener
from ventanilla.ops.management.serve import serve_listener


class Command(BaseCommand):
    """Receive mail over SMTP and store it for processing."""

    help = "Run the SMTP listener (every accepted message is stored, then processed)."

    def add_arguments(self, parser: CommandParser) -> None:
        """Add ``--listen``."""
        parser.add_argument(
            "--listen",
            default=settings.VENTANILLA_SMTP_LISTEN,
            help="HOST:PORT to listen on (default: VENTANILLA_SMTP_LISTEN, %(default)s).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Start the listener and block until a stop signal arrives."""
        serve_listener(self, listen=options["listen"], protocol="SMTP", start=start_smtp_listener)
