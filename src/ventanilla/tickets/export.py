"""Export every ticket with its conversation as JSON (``ventanilla tickets export --json``).

Selector-style: reads only. Tickets are fetched in chunks with their customer, participants,
articles and attachments prefetched (a fixed number of queries per chunk, not per ticket),
and the JSON array is written one ticket at a time, so memory does not grow with the
number of tickets. Each ticket carries its full record: the audit events, and every mail in
and out with its delivery state (the raw bytes are not included). The shape is documented
in ``docs/export-json.md``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from django.db.models import Prefetch

from ventanilla.mail.models import InboundMessage, OutboundMessage
from ventanilla.tickets.models import (
    Article,
    Attachment,
    Participant,
    SatisfactionRating,
    Ticket,
    TicketEvent,
)

# Tickets per round of prefetch queries: big enough to amortise the queries, small enough
# that one chunk's articles (with their text and HTML) fit comfortably in memory.
CHUNK_SIZE = 200


def _iso(value: datetime | None) -> str | None:
    """ISO 8601 with offset (e.g. ``2026-11-24T09:30:00+00:00``), or None."""
    return value.isoformat() if value is not None else None


def _attachment(attachment: Attachment) -> dict[str, Any]:
    return {
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "content_id": attachment.content_id,
        "inline": attachment.inline,
    }


def _article(article: Article) -> dict[str, Any]:
    return {
        "direction": article.direction,
        "kind": article.kind,
        "from": {"name": article.sender_name, "email": article.sender_email},
        "to": list(article.to or []),
        "cc": list(article.cc or []),
        "subject": article.subject,
        "message_id": article.message_id,
        "in_reply_to": article.in_reply_to,
        "date": _iso(article.sent_at),
        "created_at": _iso(article.created_at),
        "text": article.text,
        "new_text": article.new_text,
        "html": article.html,
        "author": article.author.get_username() if article.author else None,
        "attachments": [_attachment(a) for a in article.attachments.all()],
    }


def _work(ticket: Ticket) -> dict[str, Any]:
    """Triage, assignment, lifecycle and SLA facts."""
    return {
        "priority": ticket.priority,
        "urgency": ticket.urgency,
        "impact": ticket.impact,
        "triaged": ticket.triaged,
        "team": ticket.team.name if ticket.team else None,
        "assignee": ticket.assignee.get_username() if ticket.assignee else None,
        "tags": sorted(tag.name for tag in ticket.tags.all()),
        "resolution_note": ticket.resolution_note,
        "follow_up_of": ticket.follow_up_of.number if ticket.follow_up_of else None,
        "merged_into": ticket.merged_into.number if ticket.merged_into else None,
        "satisfaction": _satisfaction(ticket),
        "sla": {
            "first_response_due_at": _iso(ticket.first_response_due_at),
            "resolution_due_at": _iso(ticket.resolution_due_at),
            "first_response_at": _iso(ticket.first_response_at),
            "resolved_at": _iso(ticket.resolved_at),
            "closed_at": _iso(ticket.closed_at),
            "breached_at": _iso(ticket.sla_breached_at),
        },
    }


def _satisfaction(ticket: Ticket) -> dict[str, Any] | None:
    """The customer's rating (``tickets/satisfaction.py``), or None when he gave none."""
    try:
        rating = ticket.satisfaction
    except SatisfactionRating.DoesNotExist:
        return None
    return {
        "rating": rating.rating,
        "comment": rating.comment,
        "rated_at": _iso(rating.created_at),
        "changed_at": _iso(rating.updated_at),
    }


def _record(ticket: Ticket) -> dict[str, Any]:
    """The full record: every audit row, every mail in and out with its delivery state."""
    return {
        "events": [
            {"at": _iso(e.created_at), "kind": e.kind, "actor": e.actor, "data": e.data}
            for e in ticket.events.all()
        ],
        "mail_in": [
            {
                "id": m.pk,
                "message_id": m.message_id,
                "sender": m.sender,
                "subject": m.subject,
                "source": m.source,
                "state": m.state,
                "size": m.size,
                "received_at": _iso(m.received_at),
                "processed_at": _iso(m.processed_at),
            }
            for m in ticket.inbound.all()
        ],
        "mail_out": [
            {
                "id": m.pk,
                "kind": m.kind,
                "message_id": m.message_id,
                "recipients": list(m.recipients or []),
                "subject": m.subject,
                "state": m.state,
                "attempts": m.attempts,
                "last_error": m.last_error,
                "created_at": _iso(m.created_at),
                "sent_at": _iso(m.sent_at),
            }
            for m in ticket.outbound.all()
        ],
    }


def ticket_export_dict(ticket: Ticket) -> dict[str, Any]:
    """Return one ticket as a JSON-ready dict (uses prefetched relations when present)."""
    customer = ticket.customer
    return {
        "number": ticket.number,
        "mailbox": ticket.mailbox.address,
        "subject": ticket.subject,
        "status": ticket.status,
        "customer": {
            "name": customer.name,
            "email": customer.email,
            "language": customer.language,
        },
        "received_at": _iso(ticket.received_at),
        "last_activity_at": _iso(ticket.last_activity_at),
        "language": ticket.language,
        "possible_spoof": ticket.possible_spoof,
        **_work(ticket),
        "participants": [
            {"email": p.email, "name": p.name, "role": p.role} for p in ticket.participants.all()
        ],
        "articles": [_article(a) for a in ticket.articles.all()],
        **_record(ticket),
    }


def ticket_export_iter(
    *, chunk_size: int = CHUNK_SIZE, customer_id: int | None = None
) -> Iterator[dict[str, Any]]:
    """Yield every ticket (or one customer's) as a dict, oldest first, ``chunk_size`` a time."""
    tickets = (
        Ticket.objects.select_related(
            "customer", "mailbox", "team", "assignee", "follow_up_of", "merged_into", "satisfaction"
        )
        .prefetch_related(
            "tags",
            Prefetch("participants", queryset=Participant.objects.order_by("created_at", "pk")),
            Prefetch(
                "articles",
                queryset=Article.objects.select_related("author")
                .order_by("created_at", "pk")
                .prefetch_related(
                    Prefetch("attachments", queryset=Attachment.objects.order_by("pk"))
                ),
            ),
            Prefetch("events", queryset=TicketEvent.objects.order_by("created_at", "pk")),
            # The raw bytes stay in the database: the record lists the mail, not its source.
            Prefetch("inbound", queryset=InboundMessage.objects.defer("raw").order_by("pk")),
            Prefetch("outbound", queryset=OutboundMessage.objects.defer("raw").order_by("pk")),
        )
        .order_by("received_at", "pk")
    )
    if customer_id is not None:
        tickets = tickets.filter(customer_id=customer_id)
    # iterator(chunk_size) keeps prefetching per chunk (Django >= 4.1) without caching
    # the whole result set in the queryset.
    for ticket in tickets.iterator(chunk_size=chunk_size):
        yield ticket_export_dict(ticket)


def ticket_export_write(write: Callable[[str], object], *, chunk_size: int = CHUNK_SIZE) -> int:
    """Write every ticket through ``write`` as one JSON array, incrementally; return the count.

    One ticket per line inside the array, so the output is also easy to grep or split.
    """
    count = 0
    write("[")
    for item in ticket_export_iter(chunk_size=chunk_size):
        write(",\n" if count else "\n")
        write(json.dumps(item, ensure_ascii=False))
        count += 1
    write("\n]\n" if count else "]\n")
    return count
