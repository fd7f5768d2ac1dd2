"""``ventanilla search QUERY [--json] [--user LOGIN]`` and ``ventanilla search reindex``.

Without ``--user`` the operator searches everything; with it, exactly what that agent would
see in the workspace. ``reindex`` rebuilds the index (idempotent), with a progress bar on a
terminal.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ventanilla.agents.selectors import user_by_username
from ventanilla.search.api import SearchFilters, SearchResults, search, search_unscoped
from ventanilla.search.reindex import search_reindex

BAR = 30


class Command(BaseCommand):
    """Search tickets and knowledge articles from a shell, or rebuild the index."""

    help = "Search tickets and knowledge articles, or 'reindex' to rebuild the search index."

    def add_arguments(self, parser: CommandParser) -> None:
        """Add the query words, ``--json``, ``--user``, ``--kind`` and ``--limit``."""
        parser.add_argument("words", nargs="+", help="the query, or 'reindex'")
        parser.add_argument("--json", action="store_true", help="print the results as JSON")
        parser.add_argument("--user", help="search as this agent (login) sees")
        parser.add_argument("--kind", choices=["ticket", "article"], default="")
        parser.add_argument("--limit", type=int, default=20)

    def handle(self, *args: Any, **options: Any) -> None:
        """Reindex, or run the query and print the hits."""
        words: list[str] = options["words"]
        if words == ["reindex"]:
            self._reindex()
            return
        query = " ".join(words)
        filters = SearchFilters(kind=options["kind"])
        if options["user"]:
            user = user_by_username(options["user"])
            if user is None:
                raise CommandError(_("No login called %(name)s.") % {"name": options["user"]})
            results = search(query=query, user=user, filters=filters, limit=options["limit"])
        else:
            results = search_unscoped(query=query, filters=filters, limit=options["limit"])
        if options["json"]:
            self.stdout.write(json.dumps(_as_dict(results), indent=2, ensure_ascii=False))
        else:
            self._table(results)

    def _table(self, results: SearchResults) -> None:
        if results.jump_url:
            self.stdout.write(_("Go to: %(url)s") % {"url": results.jump_url})
        for hit in results.hits:
            mark = "=" if hit.exact else "~"
            self.stdout.write(f"{mark} {hit.kind:7} {hit.ref:20} {hit.title}")
            self.stdout.write(f"    {strip_tags(hit.snippet_html)}")
        n = results.total
        if results.more:
            self.stdout.write(_("More than %(n)d results") % {"n": n})
        else:
            self.stdout.write(ngettext("%(n)d result", "%(n)d results", n) % {"n": n})

    def _reindex(self) -> None:
        tty = sys.stderr.isatty()

        def progress(done: int, total: int) -> None:
            if tty and total:
                filled = BAR * done // total
                sys.stderr.write(f"\r[{'#' * filled}{' ' * (BAR - filled)}] {done}/{total}")
                sys.stderr.flush()

        total = search_reindex(progress=progress)
        if tty:
            sys.stderr.write("\n")
        done = ngettext("%(n)d document indexed.", "%(n)d documents indexed.", total)
        self.stdout.write(done % {"n": total})


def _as_dict(results: SearchResults) -> dict[str, Any]:
    return {
        "total": results.total,
        "more": results.more,
        "jump_url": results.jump_url,
        "hits": [dataclasses.asdict(hit) for hit in results.hits],
    }
