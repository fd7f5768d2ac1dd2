"""``ventanilla lmtpd [--listen HOST:PORT]``: run the LMTP listener until SIGTERM or SIGINT.

For delivery from a local Postfix (``lmtp:inet:HOST:PORT`` as ``virtual_transport`` or in
``transport_maps``) or Dovecot. ``--listen`` defaults to ``VENTANILLA_LMTP_LISTEN``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ventanilla.intake.lmtp import start_lmtp_listener
from ventanilla.ops.management.serve import serve_listener


class Command(BaseCommand):
    """Receive mail over LMTP and store it for processing."""

    help = "Run the LMTP listener (every accepted message is stored, then processed)."

    def add_arguments(self, parser: CommandParser) -> None:
        """Add ``--listen``."""
        parser.add_argument(
            "--listen",
            default=settings.VENTANILLA_LMTP_LISTEN,
            help="HOST:PORT to listen on (default: VENTANILLA_LMTP_LISTEN, %(default)s).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Start the listener and block until a stop signal arrives."""
        if not options["listen"]:
            raise CommandError("set VENTANILLA_LMTP_LISTEN or pass --listen HOST:PORT")
        serve_listener(self, listen=options["listen"], protocol="LMTP", start=start_lmtp_listener)
