"""The shared body of ``ventanilla smtpd`` and ``ventanilla lmtpd``: listen until a signal."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ventanilla.intake.smtp import parse_listen
from ventanilla.ops.heartbeat import beating


def serve_listener(
    command: BaseCommand, *, listen: str, protocol: str, start: Callable[[str, int], Any]
) -> None:
    """Start ``start(host, port)`` on ``listen`` and block until SIGTERM or SIGINT, then stop it."""
    try:
        host, port = parse_listen(listen)
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
        listener = start(host, port)
    except OSError as exc:
        raise CommandError(f"cannot listen on {host}:{port}: {exc}") from exc
    command.stdout.write(f"{protocol} listening on {host}:{listener.port}", ending="\n")
    command.stdout.flush()
    # Event.wait without a timeout is not interrupted by signals; poll so the handler runs.
    # The heartbeat row says this host's intake lives (ops/heartbeat.py).
    with beating(protocol.lower()):
        while not stop.wait(0.5):
            pass
    listener.stop()
    command.stdout.write(f"{protocol} listener stopped")
