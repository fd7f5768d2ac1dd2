"""``ventanilla suggest backfill``: compute the missing or stale embeddings of suggestions.

For a database that predates suggestions, or after the embedder changed (vectors are kept per
model name). Objects whose text did not change since their vector are skipped, so running it
again costs only the reading.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ventanilla.suggest.models import EmbeddingKind
from ventanilla.suggest.services import embeddings_backfill


class Command(BaseCommand):
    """``backfill [--kind ticket|article]``: embed every ticket and knowledge article."""

    help = "Compute the embeddings suggestions need (tickets and knowledge articles)."

    def add_arguments(self, parser: CommandParser) -> None:
        """Add the ``backfill`` action and ``--kind``."""
        parser.add_argument("action", choices=["backfill"])
        parser.add_argument("--kind", choices=[k.value for k in EmbeddingKind], action="append")

    def handle(self, *args: Any, **options: Any) -> None:
        """Back-fill each kind and print how many vectors were written and how long it took."""
        for kind in options["kind"] or [k.value for k in EmbeddingKind]:
            started = time.monotonic()
            count = embeddings_backfill(kind=kind)
            elapsed = time.monotonic() - started
            self.stdout.write(f"{kind}: {count} embedded in {elapsed:.1f} s")
