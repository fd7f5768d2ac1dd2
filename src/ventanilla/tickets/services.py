"""Writes on tickets: create from mail, add articles, participants and attachments; history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ventanilla.core.dates import datetime_bounded, datetime_plausible
from ventanilla.core.text import db_safe
from ventanilla.customers.models import Customer
from ventanilla.mail.models import InboundMessage, Mailbox
from ventanilla.tickets import events
from ventanilla.tickets.blobs import blob_put
from ventanilla.tickets.models import (
    Article,
    Attachment,
    Participant,
    Ticket,
    TicketCounter,
    TicketStatus,
)
from ventanilla.tickets.models import TicketStatus as S
from ventanilla.tickets.states import status_after_customer_mail, ticket_transition

# The statuses an imported archive's tickets may be given (``mail import --status``).
HISTORY_STATUSES = ("closed", "open")
# The edges that bring a ticket from its status to the one chosen for history. "closed"
# goes through "resolved", as every closed ticket does; "open" only opens new tickets, it
# never reopens one that was already settled.
_HISTORY_PATHS: dict[str, dict[str, tuple[str, ...]]] = {
    "closed": {
        S.NEW: (S.RESOLVED, S.CLOSED),
        S.OPEN: (S.RESOLVED, S.CLOSED),
        S.PENDING: (S.RESOLVED, S.CLOSED),
        S.RESOLVED: (S.CLOSED,),
    },
    "open": {S.NEW: (S.OPEN,)},
}


def ticket_number_next(*, prefix: str, when: datetime) -> str:
    """Allocate the next ticket number for ``prefix`` in ``when``'s year (never reused).

    An atomic ``UPDATE ... SET last = last + 1 ... RETURNING last`` (SQLite ≥ 3.35 and
    PostgreSQL: one statement) takes the row lock for the rest of the caller's transaction,
    so two workers can never get the same number.
    """
    year = timezone.localtime(when).year
    quote = connection.ops.quote_name
    table, last = quote(TicketCounter._meta.db_table), quote("last")
    # Only quoted names of our own model are formatted in; the values are parameters.
    sql = (
        f"UPDATE {table} SET {last} = {last} + 1"  # noqa: S608
        f" WHERE {quote('prefix')} = %s AND {quote('year')} = %s RETURNING {last}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [prefix, year])
        row = cursor.fetchone()
    if row is not None:
        return f"{prefix}-{year}-{row[0]:05d}"
    try:
        with transaction.atomic():
            TicketCounter.objects.create(prefix=prefix, year=year, last=1)
        return f"{prefix}-{year}-{1:05d}"
    except IntegrityError:
        # Another worker created this year's row first: take the next number from it.
        return ticket_number_next(prefix=prefix, when=when)


@transaction.atomic(savepoint=False)
def ticket_create_from_mail(
    *,
    mailbox: Mailbox,
    customer: Customer,
    subject: str,
    received_at: datetime,
    language: str,
    possible_spoof: bool = False,
    inbound_id: int | None = None,
) -> Ticket:
    """Open a new ticket (status ``new``) for a customer's first mail.

    An implausible ``received_at`` (an imported mail's own Date: ``core.dates``) becomes now.
    """
    now = timezone.now()
    received_at = datetime_plausible(received_at, reference=now) or now
    ticket = Ticket.objects.create(
        number=ticket_number_next(prefix=mailbox.prefix, when=received_at),
        mailbox=mailbox,
        customer=customer,
        subject=db_safe(subject[:998]),
        status=TicketStatus.NEW,
        language=language,
        possible_spoof=possible_spoof,
        received_at=received_at,
        last_activity_at=received_at,
    )
    events.ticket_created_event(ticket=ticket, inbound_id=inbound_id)
    return ticket


@transaction.atomic(savepoint=False)
def ticket_customer_replied(*, ticket: Ticket) -> None:
    """Move the ticket after a customer's new mail (pending → open, resolved/closed → open).

    A closed ticket past ``VENTANILLA_REOPEN_DAYS`` never comes here: the pipeline opens a
    follow-up ticket instead (``lifecycle.ticket_follow_up_open``).
    """
    target = status_after_customer_mail(ticket.status)
    if target is not None:
        ticket_transition(ticket=ticket, to=target, reason="customer-mail")


@transaction.atomic(savepoint=False)
def article_add(
    *,
    ticket: Ticket,
    direction: str,
    kind: str,
    inbound: InboundMessage | None = None,
    fields: dict[str, Any],
) -> Article:
    """Append an article to the conversation and write the audit row.

    ``fields`` holds the Article's content columns (sender_email, subject, text, html...).
    A ``sent_at`` taken from a Date header is kept only when plausible (``core.dates``);
    otherwise it becomes the time the mail was received, so no header value can make the
    insert overflow or be refused by the database.
    """
    if fields.get("sent_at") is not None:
        reference = inbound.received_at if inbound is not None else timezone.now()
        fields = {**fields, "sent_at": datetime_bounded(fields["sent_at"], reference=reference)}
    article = Article.objects.create(
        ticket=ticket, direction=direction, kind=kind, inbound=inbound, **db_safe(fields)
    )
    now = timezone.now()
    Ticket.objects.filter(pk=ticket.pk).update(last_activity_at=now, updated_at=now)
    events.ticket_article_added_event(ticket=ticket, article=article)
    return article


def participant_add(*, ticket: Ticket, email: str, name: str, role: str) -> bool:
    """Add a participant unless already there; return True when added."""
    address = email.strip().lower()
    if Participant.objects.filter(ticket=ticket, email=address).exists():
        return False
    Participant.objects.create(
        ticket=ticket, email=db_safe(address), name=db_safe(name[:200]), role=role
    )
    events.ticket_participant_added_event(ticket=ticket, email=address, role=role)
    return True


def attachment_add(
    *,
    article: Article,
    filename: str,
    content_type: str,
    content: bytes,
    content_id: str = "",
    inline: bool = False,
) -> Attachment:
    """Store an attachment's bytes in the blob store and record it on ``article``."""
    return Attachment.objects.create(
        article=article,
        filename=db_safe(filename[:255]),
        content_type=db_safe(content_type[:255]),
        size=len(content),
        sha256=blob_put(content),
        content_id=db_safe(content_id[:998]),
        inline=inline,
    )


@transaction.atomic(savepoint=False)
def ticket_history_settle(*, ticket: Ticket, status: str, written_at: datetime) -> bool:
    """Give an imported ticket its history as one more of its archived mails is written.

    ``written_at`` is that mail's date: the ticket's last activity becomes the newest mail
    date seen so far (a date in the future, a sender's wrong clock, counts as now). The
    first time, the ticket moves to the ``status`` chosen for history through
    ``ticket_transition`` (resolved and closed when its mail was written, not today), with
    one ``history-settled`` audit row; later mails only move its dates forward, so a closed
    history ticket is resolved and closed at its newest mail. Returns True when settled now.
    """
    if status not in HISTORY_STATUSES:
        msg = f"history status must be one of {HISTORY_STATUSES}, not {status!r}"
        raise ValueError(msg)
    when = min(max(ticket.last_activity_at, written_at), timezone.now())
    path = _HISTORY_PATHS[status].get(ticket.status, ())
    for target in path:
        ticket_transition(ticket=ticket, to=target, reason="import", at=when)
    ticket.last_activity_at = when
    fields = {"last_activity_at": when}
    if ticket.status == S.CLOSED:
        ticket.resolved_at = ticket.closed_at = when
        fields |= {"resolved_at": when, "closed_at": when}
    Ticket.objects.filter(pk=ticket.pk).update(**fields)
    if path:
        events.ticket_history_settled_event(
            ticket=ticket, last_activity_at=when.isoformat(), status=ticket.status
        )
    return bool(path)
