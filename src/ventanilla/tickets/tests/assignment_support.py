"""Helpers of the assignment tests: the assignment events of a ticket, as dicts."""

from __future__ import annotations

from ventanilla.tickets.models import Ticket, TicketEvent


def _assigned_events(ticket: Ticket) -> list[dict[str, object]]:
    rows = TicketEvent.objects.filter(ticket=ticket, kind="assigned").order_by("id")
    return [{"actor": e.actor, **e.data} for e in rows]
