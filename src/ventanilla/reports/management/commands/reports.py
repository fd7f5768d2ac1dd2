"""``ventanilla reports rebuild``: recompute every rollup from the audit events.

Shows a progress bar on a terminal (a line per tenth otherwise) and prints what it did.
Writers wait while it runs (one transaction), so run it when the team is quiet.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from ventanilla.reports.services import rollups_rebuild

BAR = 30


class Command(BaseCommand):
    """Rebuild the report rollups."""

    help = "Recompute the report rollups from the tickets' audit events ('rebuild')."

    def add_arguments(self, parser: CommandParser) -> None:
        """The one action: ``rebuild``."""
        parser.add_argument("action", choices=["rebuild"])

    def handle(self, *args: Any, **options: Any) -> None:
        """Rebuild, drawing the progress, then print the totals and the time taken."""
        started = time.monotonic()
        tty = sys.stdout.isatty()
        shown = {"tenth": -1}

        def progress(done: int, total: int) -> None:
            if tty:
                filled = BAR * done // max(total, 1)
                self.stdout.write(
                    f"\r[{'#' * filled}{'.' * (BAR - filled)}] {done}/{total}", ending=""
                )
                self.stdout.flush()
            elif done * 10 // max(total, 1) > shown["tenth"]:
                shown["tenth"] = done * 10 // max(total, 1)
                self.stdout.write(f"{done}/{total}")

        result = rollups_rebuild(progress=progress)
        if tty:
            self.stdout.write("")
        self.stdout.write(
            _(
                "Rebuilt %(rows)s rollup rows from %(events)s events "
                "of %(tickets)s tickets in %(seconds).1f s."
            )
            % {
                "rows": result.rows,
                "events": result.events,
                "tickets": result.tickets,
                "seconds": time.monotonic() - started,
            }
        )
