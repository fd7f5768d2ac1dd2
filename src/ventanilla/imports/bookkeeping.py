"""The import's bookkeeping: deferred messages, and the final dates and status of its tickets.

While an archive is imported each article moves ``last_activity_at`` to *now*; once the
import is done, each ticket it touched gets its real last activity (the newest mail date
of its conversation) and the status chosen for history, through ``ticket_transition``.
A message deferred by the import pipeline (its parent may come later in the archive) is
sent back to ``received`` for the next pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ventanilla.core.batching import ids_after
from ventanilla.mail.models import InboundMessage, InboundSource, InboundState
from ventanilla.tickets import events
from ventanilla.tickets.models import Article, Ticket
from ventanilla.tickets.models import TicketStatus as S
from ventanilla.tickets.states import ticket_transition

HISTORY_STATUSES = ("closed", "open")
# The kind of the audit row written when a ticket is settled (``events``).
SETTLED_EVENT = "history-settled"

# The edges that bring a ticket from its status to the one chosen for history. "closed"
# goes through "resolved", as every closed ticket does; "open" only opens new tickets, it
# never reopens one that was already settled.
_PATHS: dict[str, dict[str, tuple[str, ...]]] = {
    "closed": {
        S.NEW: (S.RESOLVED, S.CLOSED),
        S.OPEN: (S.RESOLVED, S.CLOSED),
        S.PENDING: (S.RESOLVED, S.CLOSED),
        S.RESOLVED: (S.CLOSED,),
    },
    "open": {S.NEW: (S.OPEN,)},
}


@transaction.atomic
def ticket_history_settle(*, ticket_id: int, status: str) -> bool:
    """Give an imported ticket its real last activity and the ``status`` chosen for history.

    Returns True when anything changed (then one ``history-settled`` event is written).
    A date in the future (a sender's wrong clock) counts as now.
    """
    if status not in HISTORY_STATUSES:
        msg = f"history status must be one of {HISTORY_STATUSES}, not {status!r}"
        raise ValueError(msg)
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None:
        return False
    newest = Article.objects.filter(ticket=ticket).aggregate(newest=Max("sent_at"))["newest"]
    when = min(max(d for d in (newest, ticket.received_at) if d is not None), timezone.now())
    changed = ticket.last_activity_at != when
    if changed:
        Ticket.objects.filter(pk=ticket.pk).update(last_activity_at=when)
    path = _PATHS[status].get(ticket.status, ())
    for target in path:
        ticket_transition(ticket=ticket, to=target, reason="import")
    if path and ticket.status == S.CLOSED:
        # The transition stamps "now"; history was resolved when its last mail was written.
        Ticket.objects.filter(pk=ticket.pk).update(resolved_at=when, closed_at=when)
    if changed or path:
        events.ticket_history_settled_event(
            ticket=ticket, last_activity_at=when.isoformat(), status=ticket.status
        )
    return changed or bool(path)


@transaction.atomic
def inbound_import_requeue(*, inbound_id: int) -> bool:
    """Send a deferred imported message back to ``received``; False if it is not deferred."""
    updated = InboundMessage.objects.filter(
        pk=inbound_id, source=InboundSource.IMPORT, state=InboundState.IGNORED
    ).update(state=InboundState.RECEIVED, reasons=[])
    return updated == 1


def import_ticket_ids_touched(*, since: datetime, page: int) -> Iterator[int]:
    """Yield the ids of the tickets imported messages joined since ``since`` (in pages)."""
    query = InboundMessage.objects.filter(
        source=InboundSource.IMPORT, processed_at__gte=since, ticket__isnull=False
    ).values_list("ticket_id", flat=True)
    return ids_after(query, "ticket_id", page=page)


def import_ticket_ids_unsettled(*, page: int) -> Iterator[int]:
    """Yield the ids of imported tickets never settled (an interrupted import's)."""
    query = (
        Ticket.objects.filter(inbound__source=InboundSource.IMPORT)
        .exclude(events__kind=SETTLED_EVENT)
        .values_list("pk", flat=True)
    )
    return ids_after(query, "pk", page=page)
