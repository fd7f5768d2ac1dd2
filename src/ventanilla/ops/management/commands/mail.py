"""``ventanilla mail import PATH...`` and ``ventanilla mail reprocess [ID...] [--all]``.

Thin: parse arguments, call ``ventanilla.imports.importer``, print. The JSON printed by
``import --json`` is described in ``docs/export-json.md``.
"""

from __future__ import annotations

import json
import sys
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ventanilla.imports import importer
from ventanilla.imports.archive import archive_sources
from ventanilla.imports.bookkeeping import HISTORY_STATUSES
from ventanilla.mail.models import InboundState
from ventanilla.mail.selectors import mailbox_exists
from ventanilla.ops.management.imap_commands import IMAP_ACTIONS, add_imap_parsers, run_imap
from ventanilla.ops.management.intake_commands import (
    INTAKE_ACTIONS,
    add_intake_parsers,
    run_intake,
)

SUMMARY_LINES = (
    ("tickets_created", "tickets created"),
    ("articles_added", "articles added to existing tickets"),
    ("agent_replies", "agents' replies kept as outbound articles"),
    ("ignored", "ignored"),
    ("duplicates", "duplicates"),
    ("quarantined", "quarantined"),
    ("already_imported", "already imported"),
    ("errors", "errors"),
    ("tickets_settled", "historical tickets given their dates and status"),
)


def _import_options(options: dict[str, Any], address: str) -> importer.ImportOptions:
    """The import's options: history is not acknowledged unless ``--ack`` (answered long ago)."""
    return importer.ImportOptions(
        mailbox_address=address,
        send_ack=bool(options["ack"]) and not options["no_ack"],
        agent_addresses=options["agent_address"],
        agent_domains=options["agent_domain"],
        status=options["status"],
        dry_run=options["dry_run"],
    )


class ProgressBar:
    """A one-line progress bar on a terminal: count/total, rate and ETA, redrawn with ``\\r``.

    Redrawn at most every 0.2 s so drawing costs nothing next to processing.
    """

    def __init__(self, total: int, stream: TextIO) -> None:
        """Start timing ``total`` messages, drawing on ``stream``."""
        self.total = total
        self.stream = stream
        self.started = time.monotonic()
        self.drawn_at = 0.0

    def update(self, done: int, counts: importer.ImportCounts) -> None:
        """Redraw after ``done`` messages (``counts`` is unused: the signature of a Progress)."""
        now = time.monotonic()
        if done < self.total and now - self.drawn_at < 0.2:
            return
        self.drawn_at = now
        elapsed = max(now - self.started, 1e-9)
        rate = done / elapsed
        eta = (self.total - done) / rate if rate else 0.0
        percent = 100 * done / self.total if self.total else 100.0
        self.stream.write(
            f"\r{done}/{self.total} {percent:5.1f}%  {rate:7.1f} msg/s  "
            f"ETA {int(eta) // 60:d}:{int(eta) % 60:02d} "
        )
        self.stream.flush()

    def finish(self) -> None:
        """End the line so later output starts on its own line."""
        self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    """Import mail archives, or reprocess quarantined messages."""

    help = "Import mail archives (.eml, folders, mbox, Maildir) or reprocess quarantined mail."
    # System checks look at the whole project (admin, URLs, templates) on every start; the
    # mail subcommands touch none of it, and ``mail gate`` runs once per delivered message.
    # ``ventanilla check`` and every server start still run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        """Declare the ``import`` and ``reprocess`` subcommands."""
        sub = parser.add_subparsers(dest="action", required=True)
        imp: ArgumentParser = sub.add_parser("import", help="import .eml, folders, mbox, Maildir")
        imp.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        imp.add_argument("--ack", action="store_true", help="acknowledge new tickets (history: no)")
        imp.add_argument("--no-ack", action="store_true", help="send no acknowledgements (default)")
        imp.add_argument(
            "--agent-address", action="append", default=[], metavar="ADDRESS", help="an agent's"
        )
        imp.add_argument(
            "--agent-domain", action="append", default=[], metavar="DOMAIN", help="agents' domain"
        )
        imp.add_argument(
            "--status", choices=HISTORY_STATUSES, default="closed", help="of imported tickets"
        )
        imp.add_argument("--dry-run", action="store_true", help="count only, write nothing")
        imp.add_argument("--json", action="store_true", help="print the summary as JSON")
        imp.add_argument("--no-progress", action="store_true", help="no progress bar")
        imp.add_argument("--mailbox", default="", metavar="ADDRESS", help="deliver to this")
        rep: ArgumentParser = sub.add_parser("reprocess", help="reprocess quarantined mail")
        rep.add_argument("ids", nargs="*", type=int, metavar="ID")
        rep.add_argument("--all", action="store_true", help="every quarantined message")
        add_intake_parsers(sub)  # gate (MTA pipe), token (HTTP intake)
        add_imap_parsers(sub)  # poll, idle (IMAP)

    def handle(self, *args: Any, **options: Any) -> None:
        """Dispatch to the subcommand."""
        if options["action"] in INTAKE_ACTIONS:
            run_intake(self, options)
        elif options["action"] in IMAP_ACTIONS:
            run_imap(self, options)
        elif options["action"] == "import":
            self._import(options)
        else:
            self._reprocess(options["ids"], every=options["all"])

    def _import(self, options: dict[str, Any]) -> None:
        address = str(options["mailbox"]).strip().lower()
        if address and not mailbox_exists(address):
            raise CommandError(f"no mailbox {address}; create it first")
        try:
            sources = archive_sources(options["paths"])
        except FileNotFoundError as exc:
            raise CommandError(f"no such file or folder: {exc}") from exc
        bar = None
        # The bar only makes sense on a terminal; piped stderr (logs, CI) stays clean.
        if not options["no_progress"] and sys.stderr.isatty():
            bar = ProgressBar(sum(s.count() for s in sources), sys.stderr)
        started = time.monotonic()
        counts = importer.import_sources(
            sources, options=_import_options(options, address), progress=bar.update if bar else None
        )
        if bar is not None:
            bar.finish()
        seconds = time.monotonic() - started
        if options["json"]:
            data = {**counts.as_dict(), "seconds": round(seconds, 3)}
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self._print_summary(counts, seconds)

    def _print_summary(self, counts: importer.ImportCounts, seconds: float) -> None:
        for failure in counts.failures:
            self.stderr.write(f"{failure['source']}: {failure['error']}")
        rate = counts.messages / seconds if seconds > 0 else 0.0
        if counts.dry_run:
            self.stdout.write("dry run: nothing was written; this is what an import would do")
        self.stdout.write(f"{counts.messages} messages in {seconds:.1f} s ({rate:.1f}/s)")
        for name, label in SUMMARY_LINES:
            self.stdout.write(f"  {label}: {getattr(counts, name)}")

    def _reprocess(self, ids: list[int], *, every: bool) -> None:
        if every:
            ids = [*ids, *importer.quarantined_ids()]
        if not ids:
            raise CommandError("name message ids, or use --all")
        for inbound_id in dict.fromkeys(ids):
            result = importer.reprocess(inbound_id)
            if result is None:
                self.stdout.write(f"#{inbound_id}: not in quarantine, skipped")
                continue
            if result.state == InboundState.QUARANTINED:
                reason = importer.quarantine_reason(inbound_id)
                self.stdout.write(f"#{inbound_id}: quarantined again: {reason}")
                continue
            ticket = f" ({result.ticket_number})" if result.ticket_number else ""
            self.stdout.write(f"#{inbound_id}: {result.state}, {result.outcome}{ticket}")
