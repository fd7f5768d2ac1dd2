"""``ventanilla status [--json]``: the health report in a terminal; exit 1 when degraded.

The same report as ``/healthz`` (``ops.health``), for cron jobs and people at a shell: one
line per process of each host (its roles, last heartbeat, queue depth), a dead one named.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from ventanilla.ops.health import HealthReport, health_report


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} s"


class Command(BaseCommand):
    """Print the health report (a table, or JSON with ``--json``); exit 1 when degraded."""

    help = "Show whether mail is flowing: intake lag, IMAP polls, quarantine, outbox, hosts."

    def add_arguments(self, parser: CommandParser) -> None:
        """Add ``--json``."""
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        """Measure, print, and exit 0 (ok) or 1 (degraded)."""
        report = health_report()
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
        else:
            self._table(report)
        if report.problems:
            sys.exit(1)

    def _table(self, report: HealthReport) -> None:
        rows = [
            (_("status"), report.status),
            (_("database"), _("ok") if report.database else _("unavailable")),
            (_("messages waiting"), str(report.intake_received)),
            (_("oldest waiting"), _seconds(report.intake_lag_seconds)),
            (_("quarantined"), str(report.quarantined)),
            (_("outbox queued"), str(report.outbox_queued)),
            (_("oldest unsent"), _seconds(report.outbox_oldest_seconds)),
            (_("outgoing failed"), str(report.outbound_failed)),
        ]
        for account in report.imap:
            state = _("failures: %(n)d") % {"n": account.failures} if account.failures else "ok"
            last = account.last_success_at or _("never")
            success = _("last success")  # outside the f-string, where makemessages sees it
            rows.append((f"IMAP {account.name}", f"{state}; {success}: {last}"))
        for process in report.processes:
            line = _(
                "%(state)s; roles: %(roles)s; pid %(pid)d; last beat %(age)d s ago; "
                "queue: %(depth)s"
            ) % {
                "state": _("alive") if process.alive else _("DEAD"),
                "roles": process.roles or "-",
                "pid": process.pid,
                "age": process.seconds_since_beat,
                "depth": "-" if process.queue_depth is None else process.queue_depth,
            }
            rows.append((f"{process.host} {process.process}", line))
        width = max(len(label) for label, _value in rows)
        for label, value in rows:
            self.stdout.write(f"{label.ljust(width)}  {value}")
        for problem in report.problems:
            self.stdout.write(f"! {problem.message}")
