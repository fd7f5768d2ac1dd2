"""``ventanilla privacy export|erase|retention``: a customer's data rights, and retention.

- ``privacy export --customer EMAIL --out FILE``: everything held about him, as a zip;
- ``privacy erase --customer EMAIL --yes``: erase him (his tickets stay, anonymised);
- ``privacy retention [--dry-run]``: carry out the retention policy, or print what it would
  remove, one line per row (a run removes exactly the lines its dry run prints).

Thin: the work is in ``ventanilla.privacy``. Every export and erasure is written to the
sensitive-action log with the operating-system user who ran it.
"""

from __future__ import annotations

import getpass
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ventanilla.customers.models import Customer
from ventanilla.customers.selectors import customer_get_by_email
from ventanilla.privacy.erasure import customer_erase
from ventanilla.privacy.export import customer_export_write
from ventanilla.privacy.retention import retention_apply, retention_plan


def _operator() -> str:
    return f"cli:{getpass.getuser()}"


class Command(BaseCommand):
    """Data rights: export, erase, retention."""

    help = "A customer's data rights (export, erase) and the retention policy."

    def add_arguments(self, parser: CommandParser) -> None:
        """Declare the subcommands."""
        sub = parser.add_subparsers(dest="action", required=True)
        export: ArgumentParser = sub.add_parser("export", help="export one customer's data")
        export.add_argument("--customer", required=True, metavar="EMAIL")
        export.add_argument("--out", required=True, type=Path, metavar="FILE")
        erase: ArgumentParser = sub.add_parser("erase", help="erase one customer")
        erase.add_argument("--customer", required=True, metavar="EMAIL")
        erase.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")
        retention: ArgumentParser = sub.add_parser("retention", help="apply the policy")
        retention.add_argument("--dry-run", action="store_true", help="only print the plan")

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the subcommand."""
        action = options["action"]
        if action == "retention":
            self._retention(dry_run=options["dry_run"])
            return
        customer = customer_get_by_email(email=options["customer"])
        if customer is None:
            raise CommandError(f"no customer with the address {options['customer']}")
        if action == "export":
            self._export(customer, options["out"])
        elif not options["yes"]:
            raise CommandError("erasure cannot be undone: add --yes to confirm")
        else:
            done = customer_erase(customer=customer, actor=None, actor_name=_operator())
            self.stdout.write(
                f"customer {done.customer_id} erased: {done.tickets} tickets kept anonymised "
                f"(now {done.placeholder}), {done.inbound} mail in, {done.outbound} mail out, "
                f"{done.attachments} attachments removed"
            )

    def _export(self, customer: Customer, out: Path) -> None:
        # Written beside the target then renamed: a failed export leaves no partial archive.
        partial = out.with_name(out.name + ".partial")
        with partial.open("wb") as handle:
            summary = customer_export_write(
                customer=customer, out=handle, actor=None, actor_name=_operator()
            )
        partial.replace(out)
        self.stdout.write(
            f"{out}: {summary.tickets} tickets, {summary.mail} mail, "
            f"{summary.attachments} attachments"
        )

    def _retention(self, *, dry_run: bool) -> None:
        plan = retention_plan(now=timezone.now())
        lines = plan.lines if dry_run else retention_apply(plan=plan)
        for line in lines:
            self.stdout.write(line)
        verb = "would remove" if dry_run else "removed"
        self.stderr.write(f"retention {verb} {len(lines)} rows")
