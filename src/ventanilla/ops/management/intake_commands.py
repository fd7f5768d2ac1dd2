"""The ``mail gate`` and ``mail token`` subcommands (the MTA pipe and the HTTP intake's token).

Kept apart from ``commands/mail.py`` (import, reprocess) so each stays small; that command
declares these with ``add_intake_parsers`` and hands them over with ``run_intake``.
"""

from __future__ import annotations

import sys
from argparse import _SubParsersAction
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ventanilla.intake.pipe import EX_OK, gate
from ventanilla.mail.selectors import mailbox_by_key
from ventanilla.mail.services import mailbox_token_rotate

INTAKE_ACTIONS = ("gate", "token")


def add_intake_parsers(sub: _SubParsersAction[CommandParser]) -> None:
    """Declare ``gate [--mailbox ADDR] [--sender ADDR]`` and ``token ADDR``."""
    gate_parser = sub.add_parser("gate", help="store one message read on stdin (MTA pipe)")
    gate_parser.add_argument("--mailbox", default="", metavar="ADDRESS", help="deliver to this")
    gate_parser.add_argument("--sender", default="", metavar="ADDRESS", help="envelope sender")
    token_parser = sub.add_parser("token", help="generate a new HTTP intake token for a mailbox")
    token_parser.add_argument("mailbox", metavar="ADDRESS")


def run_intake(command: BaseCommand, options: dict[str, Any]) -> None:
    """Run ``gate`` or ``token``; ``gate`` exits with the sysexits status the MTA reads."""
    if options["action"] == "gate":
        # sys.stdin is None when the process was started with descriptor 0 closed.
        stdin = getattr(sys.stdin, "buffer", None)
        result = gate(stdin, mailbox=options["mailbox"], sender=options["sender"])
        if result.code != EX_OK:
            # One line for the MTA's log, whatever the exception text held.
            command.stderr.write(f"ventanilla mail gate: {' '.join(result.message.split())}")
            raise SystemExit(result.code)
        return
    mailbox = mailbox_by_key(options["mailbox"])
    if mailbox is None:
        raise CommandError(f"no active mailbox {options['mailbox']}")
    token = mailbox_token_rotate(mailbox=mailbox)
    # Shown once: only its hash is kept, so a lost token is replaced, never recovered.
    command.stdout.write(token)
