"""Writes on tickets imported from an old mailbox: their final dates and status.

While an archive is imported each article moves ``last_activity_at`` to *now*; once the
import is done, each ticket it touched gets its real last activity (the newest mail date
of its conversation) and the status chosen for history, through ``ticket_transition``.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

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
