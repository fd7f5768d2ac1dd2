"""Model rows to the plain values of the API's schemas (no queries: relations come joined)."""

from __future__ import annotations

from typing import Any

from ventanilla.tickets.models import Article, Ticket


def ticket_out(ticket: Ticket) -> dict[str, Any]:
    """Return ``ticket`` as ``TicketOut`` values (customer, links and tags prefetched)."""
    customer = ticket.customer
    return {
        "number": ticket.number,
        "subject": ticket.subject,
        "status": ticket.status,
        "urgency": ticket.urgency,
        "impact": ticket.impact,
        "priority": ticket.priority,
        "language": ticket.language,
        "customer": {"id": customer.pk, "email": customer.email, "name": customer.name},
        "team_id": ticket.team_id,
        "assignee_id": ticket.assignee_id,
        "tags": sorted(tag.name for tag in ticket.tags.all()),
        "possible_spoof": ticket.possible_spoof,
        "received_at": ticket.received_at,
        "last_activity_at": ticket.last_activity_at,
        "updated_at": ticket.updated_at,
        "first_response_due_at": ticket.first_response_due_at,
        "resolution_due_at": ticket.resolution_due_at,
        "first_response_at": ticket.first_response_at,
        "resolved_at": ticket.resolved_at,
        "closed_at": ticket.closed_at,
        "merged_into": ticket.merged_into.number if ticket.merged_into else None,
        "follow_up_of": ticket.follow_up_of.number if ticket.follow_up_of else None,
    }


def _addresses(value: object) -> list[str]:
    # Stored as a JSON list of {"name": ..., "email": ...}; plain strings are accepted too.
    if not isinstance(value, list):
        return []
    return [str(item.get("email", "")) if isinstance(item, dict) else str(item) for item in value]


def article_out(article: Article) -> dict[str, Any]:
    """Return ``article`` as ``ArticleOut`` values (attachments prefetched)."""
    return {
        "id": article.pk,
        "direction": article.direction,
        "kind": article.kind,
        "sender_email": article.sender_email,
        "sender_name": article.sender_name,
        "to": _addresses(article.to),
        "cc": _addresses(article.cc),
        "subject": article.subject,
        "text": article.text,
        "author_id": article.author_id,
        "created_at": article.created_at,
        "attachments": [
            {
                "id": a.pk,
                "filename": a.filename,
                "content_type": a.content_type,
                "size": a.size,
                "inline": a.inline,
            }
            for a in article.attachments.all()
        ],
    }
