"""Reads on tickets."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet

from ventanilla.mail.models import OutboundMessage
from ventanilla.outbound.compose import clean_message_id, references_chain
from ventanilla.tickets.models import (
    Article,
    ArticleDirection,
    ArticleKind,
    Participant,
    Tag,
    Ticket,
    TicketEvent,
)

# An answer's References: the thread root and the 10 most recent ids (RFC 5322 §3.6.4 lets
# a long chain be trimmed; some servers refuse very long header lines).
ANSWER_REFERENCES = 11


def ticket_get_by_number(*, number: str) -> Ticket | None:
    """Return the ticket with this number, or None."""
    return Ticket.objects.select_related("customer").filter(number=number).first()


def ticket_events(*, ticket: Ticket) -> QuerySet[TicketEvent]:
    """Return the audit rows of ``ticket``, oldest first."""
    return TicketEvent.objects.filter(ticket=ticket).order_by("created_at", "id")


def ticket_participants(*, ticket: Ticket) -> QuerySet[Participant]:
    """Return the people copied on ``ticket`` besides its customer."""
    return ticket.participants.all()


def ticket_tags(*, ticket: Ticket) -> QuerySet[Tag]:
    """Return the tags of ``ticket``."""
    return ticket.tags.all()


def ticket_list_from_source(*, mailbox_id: int, source: str) -> list[Ticket]:
    """Return the mailbox's tickets with a message from ``source``, oldest first, with assignees."""
    return list(
        Ticket.objects.filter(mailbox=mailbox_id, inbound__source=source)
        .select_related("assignee")
        .distinct()
        .order_by("pk")
    )


def ticket_find_by_message_ids(*, message_ids: Sequence[str]) -> Ticket | None:
    """Return the ticket of the first Message-ID (in the given order) we know, in or out.

    Both inbound articles and our own outgoing mail (acknowledgements, replies) count, so a
    customer who answers our mail threads even if the subject lost the number.
    """
    ids = [m for m in message_ids if m][:50]
    if not ids:
        return None
    known: dict[str, int] = {}
    for mid, ticket_id in Article.objects.filter(message_id__in=ids).values_list(
        "message_id", "ticket_id"
    ):
        known.setdefault(mid, ticket_id)
    for mid, ticket_id in OutboundMessage.objects.filter(
        message_id__in=ids, ticket__isnull=False
    ).values_list("message_id", "ticket_id"):
        if ticket_id is not None:
            known.setdefault(mid, ticket_id)
    for mid in ids:
        if mid in known:
            return Ticket.objects.select_related("customer").get(pk=known[mid])
    return None


def ticket_is_party(*, ticket: Ticket, email: str) -> bool:
    """Return True when ``email`` is the ticket's customer or one of its participants."""
    address = email.strip().lower()
    if ticket.customer.email == address:
        return True
    return Participant.objects.filter(ticket=ticket, email=address).exists()


# Merges are refused into a merged ticket, so chains stay short; the bound only guards
# against rows edited by hand into a loop.
MAX_MERGE_HOPS = 10


def ticket_follow_merges(ticket: Ticket) -> Ticket:
    """Return the ticket that ``ticket`` was merged into, following a chain of merges.

    A ticket never merged is returned as is. A loop (A → B → A, only possible by editing
    rows by hand) stops at the last ticket before repeating one.
    """
    seen = {ticket.pk}
    for _hop in range(MAX_MERGE_HOPS):
        if ticket.merged_into_id is None or ticket.merged_into_id in seen:
            return ticket
        seen.add(ticket.merged_into_id)
        ticket = Ticket.objects.select_related("customer").get(pk=ticket.merged_into_id)
    return ticket


def ticket_conversation_thread(*, ticket: Ticket) -> tuple[str, list[str]]:
    """Return (In-Reply-To, References) for a mail of ours that answers ``ticket``.

    The parent is the customer's latest mail (else our latest mail); References list the
    conversation's Message-IDs oldest first, ending with the parent. Ids that cannot go into
    a header as they are (hostile, RFC 6532 UTF-8) are left out before the chain is trimmed.
    Used by agents' replies and by the resolution notice.
    """
    rows = [
        (mid, direction)
        for raw, direction in Article.objects.filter(ticket=ticket, kind=ArticleKind.MAIL)
        .exclude(message_id="")
        .order_by("created_at", "id")
        .values_list("message_id", "direction")
        if (mid := clean_message_id(raw))
    ]
    if not rows:
        return "", []
    inbound = [mid for mid, direction in rows if direction == ArticleDirection.IN]
    parent = inbound[-1] if inbound else rows[-1][0]
    earlier = [mid for mid, _direction in rows if mid != parent]
    return parent, references_chain(
        parent_references=earlier, parent_message_id=parent, limit=ANSWER_REFERENCES
    )
