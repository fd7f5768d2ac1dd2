"""Audit rows, one ``ticket_<something>_event`` function per thing that can happen."""

from __future__ import annotations

from ventanilla.tickets.models import Article, Ticket, TicketEvent


def _event(ticket: Ticket, event: str, actor: str = "system", **data: object) -> TicketEvent:
    return TicketEvent.objects.create(ticket=ticket, kind=event, actor=actor, data=data)


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
