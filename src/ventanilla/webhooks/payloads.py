"""What a webhook says: audit event kinds → webhook event types, and the JSON payload.

The payload is ``{"id", "type", "created_at", "data"}``; ``data`` holds ``ticket`` (a
summary read from the database when the event is recorded, so it is the ticket as it was at
that moment) and ``change`` (the facts of this event, from the audit row). It never holds
mail content: no bodies, no HTML, no attachments, no headers; a subscriber that needs them
asks the API with its own permissions.
"""

from __future__ import annotations

from typing import Any

from ventanilla.tickets.models import Ticket, TicketEvent
from ventanilla.webhooks.models import EventType

# The audit kinds (``tickets/events.py``) each webhook event type is made of.
KIND_TO_TYPE: dict[str, EventType] = {
    "created": EventType.TICKET_CREATED,
    "priority-set": EventType.TICKET_UPDATED,
    "team-set": EventType.TICKET_UPDATED,
    "tags-set": EventType.TICKET_UPDATED,
    "status-changed": EventType.TICKET_STATUS_CHANGED,
    "assigned": EventType.TICKET_ASSIGNED,
    "merged": EventType.TICKET_MERGED,
    "article-added": EventType.ARTICLE_CREATED,
    "rated": EventType.RATING_RECEIVED,
    "sla-warning": EventType.SLA_WARNING,
    "sla-breached": EventType.SLA_BREACHED,
}

# The audit row's facts a subscriber may read, per kind (the rest is internal bookkeeping,
# e.g. the inbound message id, or personal data we do not repeat, e.g. a sender address).
CHANGE_FIELDS: dict[str, tuple[str, ...]] = {
    "created": (),
    "priority-set": ("previous", "urgency", "impact", "priority"),
    "team-set": ("previous", "new"),
    "tags-set": ("added", "removed"),
    "status-changed": ("previous", "new", "reason"),
    "assigned": ("previous", "new", "reason"),
    "merged": ("source", "target", "moved"),
    "article-added": ("article_id", "direction", "kind"),
    "rated": ("rating", "previous", "has_comment"),
    "sla-warning": ("target", "due_at", "minutes"),
    "sla-breached": ("target", "due_at", "minutes"),
}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def ticket_summary(ticket_id: int) -> dict[str, Any]:
    """Return what a subscriber learns of a ticket: its facts, never its conversation."""
    ticket = Ticket.objects.select_related(
        "mailbox", "customer", "team", "assignee", "merged_into"
    ).get(pk=ticket_id)
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "subject": ticket.subject,
        "status": ticket.status,
        "urgency": ticket.urgency,
        "impact": ticket.impact,
        "priority": ticket.priority,
        "language": ticket.language,
        "mailbox": ticket.mailbox.address,
        "customer": {"id": ticket.customer_id, "email": ticket.customer.email},
        "team": ticket.team.name if ticket.team else None,
        "assignee": ticket.assignee.get_username() if ticket.assignee else None,
        "tags": sorted(tag.name for tag in ticket.tags.all()),
        "merged_into": ticket.merged_into.number if ticket.merged_into else None,
        "created_at": _iso(ticket.created_at),
        "updated_at": _iso(ticket.updated_at),
        "first_response_due_at": _iso(ticket.first_response_due_at),
        "resolution_due_at": _iso(ticket.resolution_due_at),
    }


def event_change(event: TicketEvent) -> dict[str, Any]:
    """Return the facts of one audit row a subscriber may read, and who acted."""
    fields = CHANGE_FIELDS.get(event.kind, ())
    change = {name: event.data.get(name) for name in fields}
    change["actor"] = event.actor
    return change


def webhook_payload(
    *, delivery_id: str, event_type: str, event: TicketEvent, ticket: dict[str, Any]
) -> dict[str, Any]:
    """Return the JSON document POSTed for one event (``id`` is the delivery id)."""
    return {
        "id": delivery_id,
        "type": event_type,
        "created_at": _iso(event.created_at),
        "data": {"ticket": ticket, "change": event_change(event)},
    }
