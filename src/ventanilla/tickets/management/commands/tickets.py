"""``ventanilla tickets export --json [--output FILE]``: every ticket and its conversation.

Thin: the work is in ``ventanilla.tickets.export``; the shape is in ``docs/export-json.md``.
"""

from __future__ import annotations

import getpass
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ventanilla.agents.audit import sensitive_action_record
from ventanilla.agents.audit_log import SensitiveKind
from ventanilla.tickets.export import ticket_export_write


class Command(BaseCommand):
    """Ticket commands (for now: export)."""

    help = "Export tickets (ventanilla tickets export --json [--output FILE])."

    def add_arguments(self, parser: CommandParser) -> None:
        """Declare the ``export`` subcommand."""
        sub = parser.add_subparsers(dest="action", required=True)
        export: ArgumentParser = sub.add_parser("export", help="export every ticket")
        export.add_argument("--json", action="store_true", help="JSON (the only format)")
        export.add_argument("--output", type=Path, metavar="FILE", help="write here, not stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the subcommand."""
        if not options["json"]:
            raise CommandError("choose a format: --json")
        output: Path | None = options["output"]
        if output is None:
            count = ticket_export_write(lambda text: self.stdout.write(text, ending=""))
        else:
            # Written next to the target then renamed, so a failed export never leaves a
            # half-written file where a complete one is expected.
            partial = output.with_name(output.name + ".partial")
            with partial.open("w", encoding="utf-8") as handle:
                count = ticket_export_write(handle.write)
            partial.replace(output)
        # Every customer's conversation leaves the system: the sensitive-action log says who.
        sensitive_action_record(
            kind=SensitiveKind.EXPORT,
            target="tickets",
            actor_name=f"cli:{getpass.getuser()}",
            data={"tickets": count, "format": "json"},
        )
        self.stderr.write(f"{count} tickets exported")
