"""The ``mail poll``, ``mail idle`` and ``mail rekey`` subcommands (IMAP intake).

``ventanilla mail poll [--account NAME] [--drain]`` polls once (every enabled account, or the
named one) regardless of its interval; ``ventanilla mail idle`` keeps every account with
``use_idle`` in IDLE until SIGTERM/SIGINT; ``ventanilla mail rekey`` re-encrypts the stored
passwords under the current secret key (after a key rotation). Declared by
``commands/mail.py`` through ``add_imap_parsers`` and run by ``run_imap``.
"""

from __future__ import annotations

import signal
import threading
from argparse import _SubParsersAction
from collections.abc import Callable
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ventanilla.intake import imap_loop, imap_services
from ventanilla.mail.models import ImapAccount

IMAP_ACTIONS = ("poll", "idle", "rekey")


def add_imap_parsers(sub: _SubParsersAction[CommandParser]) -> None:
    """Declare ``poll [--account NAME] [--drain]`` and ``idle [--account NAME]``."""
    poll = sub.add_parser("poll", help="poll IMAP accounts once")
    poll.add_argument("--account", default="", metavar="NAME", help="only this account")
    poll.add_argument("--drain", action="store_true", help="repeat until no batch is left")
    idle = sub.add_parser("idle", help="wait for new IMAP mail with IDLE (runs until stopped)")
    idle.add_argument("--account", default="", metavar="NAME", help="only this account")
    sub.add_parser("rekey", help="re-encrypt stored IMAP passwords under the current secret key")


def _accounts(name: str, *, idle_only: bool = False) -> list[ImapAccount]:
    if not name:
        return imap_services.imap_accounts_enabled(idle_only=idle_only)
    try:
        return [imap_services.imap_account_get(name=name)]
    except ImapAccount.DoesNotExist as exc:
        raise CommandError(f"no IMAP account {name}") from exc


def run_imap(command: BaseCommand, options: dict[str, Any]) -> None:
    """Run ``poll``, ``idle`` or ``rekey``."""
    if options["action"] == "rekey":
        _rekey(command)
        return
    if options["action"] == "idle":
        name = options["account"]
        if name:
            _accounts(name)  # fail at once on an unknown name
        _idle(command, lambda: _accounts(name, idle_only=not name))
        return
    accounts = _accounts(options["account"])
    failed = False
    while accounts:
        report = imap_loop.poll_accounts(accounts)
        for name, result in report.polled.items():
            command.stdout.write(
                f"{name}: {result.fetched} fetched, {result.stored} new, "
                f"{result.known} already stored, last UID {result.last_uid}"
            )
        for name in report.busy:
            command.stdout.write(f"{name}: another poller is busy with it, skipped")
        for name, error in report.failed.items():
            command.stderr.write(f"{name}: {error}")
            failed = True
        more = {n for n, r in report.polled.items() if r.remaining}
        accounts = [a for a in accounts if a.name in more] if options["drain"] else []
    if failed:
        raise SystemExit(1)


def _idle(command: BaseCommand, load_accounts: Callable[[], list[ImapAccount]]) -> None:
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    names = ", ".join(a.name for a in load_accounts()) or "no account yet"
    command.stdout.write(f"IMAP IDLE: {names} (accounts re-read every minute)")
    command.stdout.flush()
    imap_loop.idle_forever(load_accounts, stop)


def _rekey(command: BaseCommand) -> None:
    """Re-encrypt the stored passwords; exit 1 if any could not be decrypted."""
    report = imap_services.imap_account_passwords_rekey()
    for name in report.rotated:
        command.stdout.write(f"{name}: password re-encrypted under the current key")
    if report.current:
        command.stdout.write(f"{len(report.current)} already under the current key")
    for name, error in report.failed.items():
        command.stderr.write(f"{name}: {error}")
    if report.failed:
        raise SystemExit(1)
