"""``ventanilla lmtpd [--listen HOST:PORT]``: run the LMTP listener until SIGTERM or SIGINT.

For delivery from a local Postfix (``lmtp:inet:HOST:PORT`` as ``virtual_transport`` or in
``transport_maps``) or Dovecot. ``--listen`` defaults to ``VENTANILLA_LMTP_LISTEN``.
"""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ventanilla.mail.sources.lmtp import start_lmtp_listener
from ventanilla.mail.sources.smtp import parse_listen


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
        try:
            host, port = parse_listen(options["listen"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        # aiosmtpd logs every command with peer and addresses at INFO: noise, and personal data.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        stop = threading.Event()

        def _on_signal(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, _on_signal)
        signal.signal(signal.SIGINT, _on_signal)
        try:
            listener = start_lmtp_listener(host, port)
        except OSError as exc:
            raise CommandError(f"cannot listen on {host}:{port}: {exc}") from exc
        self.stdout.write(f"LMTP listening on {host}:{listener.port}", ending="\n")
        self.stdout.flush()
        # Event.wait without a timeout is not interrupted by signals; poll so the handler runs.
        while not stop.wait(0.5):
            pass
        listener.stop()
        self.stdout.write("LMTP listener stopped")
