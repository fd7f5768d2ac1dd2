"""The one writer of ``Ticket.status``, with the explicit table of allowed transitions."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ventanilla.tickets import events
from ventanilla.tickets.models import Ticket
from ventanilla.tickets.models import TicketStatus as S
from ventanilla.tickets.sla import ticket_sla_status_changed


class TicketStateError(ValidationError):
    """A transition the table does not allow.

    A ``ValidationError``, so views show it to the agent like any other refused input.
    """


# (from, to) -> the name of the edge, recorded in the audit row. The life of a ticket
# new → open → pending (waiting on customer) → resolved → closed, with reopen.
# Only a resolved ticket closes: resolving asks for the resolution note.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.NEW, S.OPEN): "open",
    (S.NEW, S.PENDING): "wait",
    (S.NEW, S.RESOLVED): "resolve",
    (S.OPEN, S.PENDING): "wait",
    (S.OPEN, S.RESOLVED): "resolve",
    (S.PENDING, S.OPEN): "resume",
    (S.PENDING, S.RESOLVED): "resolve",
    (S.RESOLVED, S.OPEN): "reopen",
    (S.RESOLVED, S.CLOSED): "close",
    (S.CLOSED, S.OPEN): "reopen",
}

# Edges a service takes only by asking for them by name: edge -> the (from, to) it allows.
# "merge" closes the source of a merge whatever its status (``lifecycle.ticket_merge``);
# it is no ordinary move, so closing otherwise still needs a resolved ticket.
NAMED_EDGES: dict[str, frozenset[tuple[str, str]]] = {
    "merge": frozenset((s, S.CLOSED) for s in (S.NEW, S.OPEN, S.PENDING, S.RESOLVED)),
}


def ticket_transition(
    *,
    ticket: Ticket,
    to: str,
    actor: str = "system",
    reason: str = "",
    edge: str = "",
    at: datetime | None = None,
) -> None:
    """Move ``ticket`` to status ``to`` if the table allows it, and write the audit row.

    ``edge`` names one of ``NAMED_EDGES`` (e.g. "merge"); empty: an ordinary move of
    ``TRANSITIONS``. ``at`` is when it happened for the SLA facts (``resolved_at``...):
    now unless given (imported history is resolved when its mail was written). Callers run
    inside their own transaction; this saves only the status.
    """
    if edge:
        allowed = (ticket.status, to) in NAMED_EDGES.get(edge, frozenset())
    else:
        edge = TRANSITIONS.get((ticket.status, to), "")
        allowed = bool(edge)
    if not allowed:
        msg = _("Ticket %(number)s cannot go from “%(old)s” to “%(new)s”.") % {
            "number": ticket.number,
            "old": _label(ticket.status),
            "new": _label(to),
        }
        raise TicketStateError(msg, code="transition")
    previous = ticket.status
    ticket.status = to
    ticket.save(update_fields=["status", "updated_at"])
    events.ticket_status_changed_event(
        ticket=ticket, previous=previous, new=to, edge=edge, actor=actor, reason=reason
    )
    ticket_sla_status_changed(ticket=ticket, previous=previous, new=to, at=at)  # pause/stamp


def _label(status: str) -> str:
    """The status as agents read it ("waiting on customer"), in the active language."""
    return str(S(status).label) if status in S.values else status


def status_after_customer_mail(status: str) -> str | None:
    """Return the status a customer's new mail moves a ticket to, or None to leave it.

    Waiting on the customer → open; resolved or closed → reopened. The pipeline's
    ``ticket`` step first checks the reopen window of a closed ticket
    (``lifecycle.ticket_reopen_window_open``); past it, the mail opens a follow-up ticket
    instead and this is not called.
    """
    if status in (S.PENDING, S.RESOLVED, S.CLOSED):
        return S.OPEN
    return None
