"""``ventanilla demo``: make sure the demo mailbox, logins and example tickets exist; print them.

Thin: the work is ``ops.demo.demo_ensure`` (idempotent), the lines ``ops.demo.describe``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ventanilla.ops.demo import demo_ensure, describe


class Command(BaseCommand):
    """Create the demo mailbox and admin user if missing, then print them."""

    help = "Create the demo mailbox and the admin login (idempotent) and print them."

    def handle(self, *args: Any, **options: Any) -> None:
        """Ensure the demo data and print it."""
        for line in describe(demo_ensure()):
            self.stdout.write(line)
