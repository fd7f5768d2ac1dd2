"""The one writer of ``Ticket.status``, with the explicit table of allowed transitions."""

from __future__ import annotations

from ventanilla.tickets import events
from ventanilla.tickets.models import Ticket
from ventanilla.tickets.models import TicketStatus as S


class TicketStateError(Exception):
    """A transition the table does not allow."""


# (from, to) -> the name of the edge, recorded in the audit row.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.NEW, S.OPEN): "open",
    (S.NEW, S.PENDING): "wait",
    (S.NEW, S.RESOLVED): "resolve",
    (S.OPEN, S.PENDING): "wait",
    (S.OPEN, S.RESOLVED): "resolve",
    (S.PENDING, S.OPEN): "customer-replied",
    (S.PENDING, S.RESOLVED): "resolve",
    (S.RESOLVED, S.OPEN): "reopen",
    (S.RESOLVED, S.CLOSED): "close",
    (S.CLOSED, S.OPEN): "reopen",
}


def ticket_transition(*, ticket: Ticket, to: str, actor: str = "system", reason: str = "") -> None:
    """Move ``ticket`` to status ``to`` if the table allows it, and write the audit row.

    Callers run inside their own transaction; this saves only the status field.
    """
    edge = TRANSITIONS.get((ticket.status, to))
    if edge is None:
        msg = f"{ticket.number}: {ticket.status} → {to} is not allowed"
        raise TicketStateError(msg)
    previous = ticket.status
    ticket.status = to
    ticket.save(update_fields=["status", "updated_at"])
    events.ticket_status_changed_event(
        ticket=ticket, previous=previous, new=to, edge=edge, actor=actor, reason=reason
    )


def status_after_customer_mail(status: str) -> str | None:
    """Return the status a customer's new mail moves a ticket to, or None to leave it.

    Waiting on the customer → open; resolved or closed → reopened (issue 4 adds the
    reopen window after which a closed ticket spawns a linked new one).
    """
    if status in (S.PENDING, S.RESOLVED, S.CLOSED):
        return S.OPEN
    return None
