"""Writes on tickets: create from mail, add articles, participants and attachments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
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
from ventanilla.tickets.states import status_after_customer_mail, ticket_transition


def ticket_number_next(*, prefix: str, when: datetime) -> str:
    """Allocate the next ticket number for ``prefix`` in ``when``'s year (never reused).

    An atomic ``UPDATE ... SET last = last + 1`` takes the row lock for the rest of the
    caller's transaction, so two workers can never get the same number.
    """
    year = timezone.localtime(when).year
    counters = TicketCounter.objects.filter(prefix=prefix, year=year)
    if not counters.update(last=F("last") + 1):
        try:
            with transaction.atomic():
                TicketCounter.objects.create(prefix=prefix, year=year, last=1)
            return f"{prefix}-{year}-{1:05d}"
        except IntegrityError:
            # Another worker created this year's row first: take the next number from it.
            counters.update(last=F("last") + 1)
    last = counters.values_list("last", flat=True).get()
    return f"{prefix}-{year}-{last:05d}"


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
