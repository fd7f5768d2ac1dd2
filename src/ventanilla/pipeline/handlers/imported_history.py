"""The import pipeline's ``imported-history`` step: the ticket gets its history as written.

An archived mail is history: once its article is written, its ticket's last activity is
the newest mail date seen so far, and the ticket has the status chosen for the import
(``mail import --status``: closed, resolved and closed at its newest mail, or open) from
its first mail on. There is no pass over the imported tickets afterwards, so an import
stopped half-way leaves every ticket it wrote finished, and nothing is read again.
A message reprocessed outside an import (no ``ctx.archive``) is left as it is.
"""

from __future__ import annotations

from ventanilla.pipeline.context import Context
from ventanilla.tickets.services import ticket_history_settle


class ImportedHistory:
    """Give the ticket of an imported article its last activity and its history status."""

    name = "imported-history"
    description = "Imports: the ticket's dates and history status, as each mail is written."

    def process(self, ctx: Context) -> None:
        """See `Handler`."""
        ticket, article, archive = ctx.ticket, ctx.article, ctx.archive
        if ticket is None or article is None or archive is None:
            return
        written_at = article.sent_at or ticket.received_at
        if ticket_history_settle(
            ticket=ticket, status=archive.history_status, written_at=written_at
        ):
            ctx.history_settled = True
