"""Audit rows, one ``ticket_<something>_event`` function per thing that can happen.

Each row is followed by ``signals.events_recorded`` inside the writer's transaction. Inside
an `events_batched` block (the pipeline's, around one message or a group of them) the rows
are kept and written together when the block ends, still inside the transaction: one
multi-row ``INSERT`` (``bulk_create``, which gives every row its primary key on SQLite and
PostgreSQL) and one ``events_recorded`` with all of them, instead of one ``INSERT`` and one
signal per row. The rows keep the order they were recorded in (their ids).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from ventanilla.tickets.models import Article, Ticket, TicketEvent
from ventanilla.tickets.signals import events_recorded

_pending = threading.local()  # .rows: the rows of the open batch on this thread, or None


def _event(ticket: Ticket, event: str, actor: str = "system", **data: object) -> TicketEvent:
    rows: list[TicketEvent] | None = getattr(_pending, "rows", None)
    if rows is not None:
        row = TicketEvent(ticket=ticket, kind=event, actor=actor, data=data)
        rows.append(row)
        return row  # saved, with its pk, when the batch ends
    row = TicketEvent.objects.create(ticket=ticket, kind=event, actor=actor, data=data)
    events_recorded.send(sender=TicketEvent, events=[row])
    return row


@contextmanager
def events_batched() -> Iterator[None]:
    """Write the audit rows recorded in this block together when it ends without error.

    Use inside the transaction that makes the changes (the rows must commit or roll back
    with them). A block inside another one adds to the outer one's batch. When the block
    raises, its rows are dropped with the transaction the caller rolls back.
    """
    if getattr(_pending, "rows", None) is not None:
        yield
        return
    _pending.rows = []
    try:
        yield
        rows: list[TicketEvent] = _pending.rows
    finally:
        _pending.rows = None
    events_write(rows)


def events_write(rows: list[TicketEvent]) -> None:
    """Insert unsaved audit ``rows`` with one statement and send ``events_recorded`` once."""
    if not rows:
        return
    TicketEvent.objects.bulk_create(rows)
    events_recorded.send(sender=TicketEvent, events=rows)


def ticket_created_event(*, ticket: Ticket, inbound_id: int | None) -> TicketEvent:
    """Record that a ticket was opened from a mail."""
    return _event(ticket, "created", number=ticket.number, inbound_id=inbound_id)


def ticket_article_added_event(*, ticket: Ticket, article: Article) -> TicketEvent:
    """Record a new article on the conversation."""
    return _event(
        ticket,
        "article-added",
        article_id=article.pk,
        direction=article.direction,
        kind=article.kind,
        sender=article.sender_email,
    )


def ticket_status_changed_event(
    *, ticket: Ticket, previous: str, new: str, edge: str, actor: str, reason: str
) -> TicketEvent:
    """Record a status change (written only by ``states.ticket_transition``)."""
    return _event(
        ticket, "status-changed", actor, previous=previous, new=new, edge=edge, reason=reason
    )


def ticket_participant_added_event(*, ticket: Ticket, email: str, role: str) -> TicketEvent:
    """Record a new participant (a Cc recipient)."""
    return _event(ticket, "participant-added", email=email, role=role)


def ticket_ack_queued_event(*, ticket: Ticket, outbound_id: int, language: str) -> TicketEvent:
    """Record that an acknowledgement was queued for the customer."""
    return _event(ticket, "ack-queued", outbound_id=outbound_id, language=language)


def ticket_ack_suppressed_event(*, ticket: Ticket, reasons: list[str]) -> TicketEvent:
    """Record why no acknowledgement was sent (automatic mail, rate limit, loop...)."""
    return _event(ticket, "ack-suppressed", reasons=reasons)


def ticket_bounce_received_event(
    *, ticket: Ticket, recipients: list[str], permanent: bool
) -> TicketEvent:
    """Record a delivery failure report about mail we sent on this ticket."""
    return _event(ticket, "bounce-received", recipients=recipients, permanent=permanent)


def ticket_outbound_failed_event(*, ticket: Ticket, outbound_id: int, error: str) -> TicketEvent:
    """Record that a mail we sent on this ticket was given up for good (shown to agents)."""
    return _event(ticket, "outbound-failed", outbound_id=outbound_id, error=error[:1000])


def ticket_history_settled_event(
    *, ticket: Ticket, last_activity_at: str, status: str
) -> TicketEvent:
    """Record that an import set a historical ticket's last activity and status."""
    return _event(ticket, "history-settled", last_activity_at=last_activity_at, status=status)


def ticket_sender_flagged_event(*, ticket: Ticket, email: str, reason: str) -> TicketEvent:
    """Record that this ticket's sender was flagged for flooding (acks stop)."""
    return _event(ticket, "sender-flagged", email=email, reason=reason)


def ticket_assigned_event(
    *, ticket: Ticket, previous: str, new: str, actor: str, reason: str = ""
) -> TicketEvent:
    """Record a change of assignee (usernames; "" means unassigned)."""
    return _event(ticket, "assigned", actor, previous=previous, new=new, reason=reason)


def ticket_team_set_event(*, ticket: Ticket, previous: str, new: str, actor: str) -> TicketEvent:
    """Record a change of team (team names; "" means no team)."""
    return _event(ticket, "team-set", actor, previous=previous, new=new)


def ticket_reply_queued_event(
    *, ticket: Ticket, article: Article, outbound_id: int, actor: str
) -> TicketEvent:
    """Record that an agent's reply to the customer was queued in the outbox."""
    return _event(ticket, "reply-queued", actor, article_id=article.pk, outbound_id=outbound_id)


def ticket_note_added_event(*, ticket: Ticket, article: Article, actor: str) -> TicketEvent:
    """Record an internal note (never mailed to the customer)."""
    return _event(ticket, "note-added", actor, article_id=article.pk)


def ticket_resolution_note_event(*, ticket: Ticket, article: Article, actor: str) -> TicketEvent:
    """Record the resolution note given on resolving (also kept as an internal note article)."""
    return _event(ticket, "resolution-note", actor, article_id=article.pk)


def ticket_resolution_mail_queued_event(
    *, ticket: Ticket, outbound_id: int, language: str
) -> TicketEvent:
    """Record that the "your request is resolved" mail was queued for the customer."""
    return _event(ticket, "resolution-mail-queued", outbound_id=outbound_id, language=language)


def ticket_resolution_mail_suppressed_event(*, ticket: Ticket, reasons: list[str]) -> TicketEvent:
    """Record why no resolution mail was sent (robot or own address, asked not to...)."""
    return _event(ticket, "resolution-mail-suppressed", reasons=reasons)


def ticket_rated_event(
    *, ticket: Ticket, rating: str, previous: str, has_comment: bool, actor: str
) -> TicketEvent:
    """Record the customer's satisfaction rating (``previous``: "" the first time).

    ``actor`` is the customer's address: he is the one who acted, not an agent.
    """
    return _event(ticket, "rated", actor, rating=rating, previous=previous, has_comment=has_comment)


def ticket_portal_links_revoked_event(*, ticket: Ticket, actor: str) -> TicketEvent:
    """Record that every portal link to the ticket issued so far stopped working."""
    return _event(ticket, "portal-links-revoked", actor)


def ticket_customer_portal_links_revoked_event(
    *, ticket: Ticket, actor: str, customer: str
) -> TicketEvent:
    """Record that every portal link of the ticket's customer stopped working."""
    return _event(ticket, "customer-portal-links-revoked", actor, customer=customer)


def ticket_merged_event(
    *, ticket: Ticket, source: str, target: str, moved: dict[str, object], actor: str
) -> TicketEvent:
    """Record a merge, on both tickets (ticket numbers; ``moved`` counts what moved)."""
    return _event(ticket, "merged", actor, source=source, target=target, moved=moved)


def ticket_tags_set_event(
    *, ticket: Ticket, added: list[str], removed: list[str], actor: str
) -> TicketEvent:
    """Record a change of tags (tag names added and removed)."""
    return _event(ticket, "tags-set", actor, added=added, removed=removed)


def ticket_follow_up_event(*, ticket: Ticket, previous: str, follow_up: str) -> TicketEvent:
    """Record, on both tickets, that a reply to a closed ticket opened a linked new one."""
    return _event(ticket, "follow-up", previous=previous, follow_up=follow_up)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def ticket_triage_suggested_event(*, ticket: Ticket, suggestion: dict[str, object]) -> TicketEvent:
    """Record the urgency/impact/priority the rules suggested on arrival, with the reasons."""
    return _event(ticket, "triage-suggested", suggestion=suggestion)


def ticket_priority_set_event(
    *,
    ticket: Ticket,
    actor: str,
    previous: dict[str, object],
    urgency: str,
    impact: str,
    priority: int,
) -> TicketEvent:
    """Record an agent's urgency/impact decision and the resulting priority."""
    return _event(
        ticket,
        "priority-set",
        actor,
        previous=previous,
        urgency=urgency,
        impact=impact,
        priority=priority,
    )


def ticket_sla_started_event(
    *,
    ticket: Ticket,
    priority: int,
    first_response_due_at: datetime | None,
    resolution_due_at: datetime | None,
) -> TicketEvent:
    """Record the SLA due dates given to a new ticket."""
    return _event(
        ticket,
        "sla-started",
        priority=priority,
        first_response_due_at=_iso(first_response_due_at),
        resolution_due_at=_iso(resolution_due_at),
    )


def ticket_first_response_event(
    *, ticket: Ticket, at: datetime, within_sla: bool | None
) -> TicketEvent:
    """Record the first agent reply and whether it met the first response target."""
    return _event(ticket, "first-response", at=_iso(at), within_sla=within_sla)


def ticket_sla_warning_event(
    *, ticket: Ticket, target: str, due_at: datetime | None, minutes: int | None
) -> TicketEvent:
    """Record that a target (first_response / resolution) passed its warning threshold."""
    return _event(ticket, "sla-warning", target=target, due_at=_iso(due_at), minutes=minutes)


def ticket_sla_breached_event(
    *, ticket: Ticket, target: str, due_at: datetime | None, minutes: int | None
) -> TicketEvent:
    """Record that a target (first_response / resolution) was missed."""
    return _event(ticket, "sla-breached", target=target, due_at=_iso(due_at), minutes=minutes)


def ticket_customer_erased_event(*, ticket: Ticket, actor: str) -> TicketEvent:
    """Record that the customer's personal data on this ticket was erased (figures kept)."""
    return _event(ticket, "customer-erased", actor)
