"""``ventanilla doctor [--json]``: check this host's part in the deployment; exit 1 on a failure.

Database and migrations, the task queue, every file storage written from here, and this
host's clock against the database's (``ops/doctor.py``). Run it on each host after deploying.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from ventanilla.core.node import node_name
from ventanilla.ops.doctor import doctor_checks


class Command(BaseCommand):
    """Print one line per check (or JSON); exit 1 when any fails."""

    help = "Check this host: database and migrations, queue, file storage, clock."

    def add_arguments(self, parser: CommandParser) -> None:
        """Add ``--json``."""
        parser.add_argument("--json", action="store_true", help="print the checks as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the checks, print them, exit 0 or 1."""
        checks = doctor_checks()
        if options["json"]:
            body = {"host": node_name(), "checks": [asdict(c) for c in checks]}
            self.stdout.write(json.dumps(body, indent=2))
        else:
            self.stdout.write(_("Host %(host)s") % {"host": node_name()})
            for check in checks:
                mark = _("ok") if check.ok else _("FAIL")
                self.stdout.write(f"{mark:>4}  {check.name}: {check.message}")
        if not all(c.ok for c in checks):
            sys.exit(1)
