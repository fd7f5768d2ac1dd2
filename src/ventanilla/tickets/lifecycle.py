"""The life of a ticket: open, wait, resolve with a note, close, reopen.

Every status change goes through ``states.ticket_transition`` (the table of allowed moves);
this module adds what each move means besides the status:

- **resolve** needs a resolution note (what was wrong, what fixed it: the documentation the
  company's procedure asks for). The note is stored on the ticket (``resolution_note``, the
  latest) and also as an internal note article, so the conversation and the export keep
  every resolution of a ticket reopened and resolved again. The customer gets the
  resolution notice (``outbound.kinds.resolution``), recorded as an outbound article.
- **close** only from resolved, by an agent or by ``tickets_auto_close`` after
  ``VENTANILLA_AUTO_CLOSE_DAYS``.
- **customer replies** (the pipeline's ``ticket`` step, ``services.ticket_customer_replied``):
  pending → open, resolved → open, closed → open within ``VENTANILLA_REOPEN_DAYS`` of
  closing (``ticket_reopen_window_open``); later the mail opens a new ticket linked through
  ``follow_up_of`` (``ticket_follow_up_open``), as Zendesk and Freshdesk do, so an old
  closed case is not silently revived with a stale SLA and assignee.

Merging and tags live in ``tickets.merge`` and ``tickets.tags`` and are re-exported here.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ventanilla.core.text import db_safe
from ventanilla.customers.models import Customer
from ventanilla.mail.models import OutboundMessage
from ventanilla.outbound.kinds.resolution import resolution_draft, resolution_language
from ventanilla.outbound.policy import resolution_refusals
from ventanilla.outbound.services import outbound_queue
from ventanilla.tickets import events
from ventanilla.tickets.merge import ticket_merge
from ventanilla.tickets.models import ArticleDirection, ArticleKind, Ticket, TicketStatus
from ventanilla.tickets.outgoing import ticket_mail_facts, ticket_mail_thread
from ventanilla.tickets.services import article_add, ticket_create_from_mail
from ventanilla.tickets.states import ticket_transition
from ventanilla.tickets.tags import ticket_tags_set

__all__ = [
    "actor_name",
    "ticket_close",
    "ticket_follow_up_open",
    "ticket_merge",
    "ticket_open",
    "ticket_reopen",
    "ticket_reopen_window_open",
    "ticket_resolve",
    "ticket_set_pending",
    "ticket_tags_set",
    "tickets_auto_close",
]


def actor_name(actor: User | None) -> str:
    """The name written in audit rows: the agent's username, or "system"."""
    return "system" if actor is None else actor.get_username()


def _locked(ticket: Ticket) -> Ticket:
    """Re-read ``ticket`` under a row lock (PostgreSQL), so two agents cannot race a move."""
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("customer", "mailbox")
        .get(pk=ticket.pk)
    )


def _move(ticket: Ticket, to: str, actor: User | None, reason: str = "") -> Ticket:
    current = _locked(ticket)
    ticket_transition(ticket=current, to=to, actor=actor_name(actor), reason=reason)
    return current


@transaction.atomic
def ticket_open(*, ticket: Ticket, actor: User | None) -> Ticket:
    """Mark the ticket as being worked on (new → open, or back from waiting on the customer)."""
    return _move(ticket, TicketStatus.OPEN, actor)


@transaction.atomic
def ticket_set_pending(*, ticket: Ticket, actor: User | None) -> Ticket:
    """Mark the ticket as waiting on the customer (the SLA resolution clock stops)."""
    return _move(ticket, TicketStatus.PENDING, actor)


@transaction.atomic
def ticket_close(*, ticket: Ticket, actor: User | None, reason: str = "") -> Ticket:
    """Close a resolved ticket (closing without resolving would skip the resolution note)."""
    return _move(ticket, TicketStatus.CLOSED, actor, reason)


@transaction.atomic
def ticket_reopen(*, ticket: Ticket, actor: User | None, reason: str = "") -> Ticket:
    """Reopen a resolved or closed ticket (an agent's decision: no reopen window applies)."""
    current = _locked(ticket)
    if current.status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        raise ValidationError(_("Only resolved or closed tickets can be reopened."), code="reopen")
    ticket_transition(ticket=current, to=TicketStatus.OPEN, actor=actor_name(actor), reason=reason)
    return current


@transaction.atomic
def ticket_resolve(
    *, ticket: Ticket, actor: User | None, note: str, notify_customer: bool = True
) -> Ticket:
    """Resolve the ticket with a resolution note and tell the customer.

    Raises ``ValidationError`` for a blank note, or (``states.TicketStateError``) for a
    ticket that cannot be resolved now. ``notify_customer=False`` skips the mail (e.g. spam
    or a duplicate the customer need not hear about); the skip is recorded.
    """
    text = db_safe(note.strip())
    if not text:
        raise ValidationError(
            _("Write a resolution note: what was wrong and what fixed it."), code="note-required"
        )
    current = _move(ticket, TicketStatus.RESOLVED, actor, "resolve")
    current.resolution_note = text
    current.save(update_fields=["resolution_note", "updated_at"])
    name = actor_name(actor)
    article = article_add(
        ticket=current,
        direction=ArticleDirection.OUT,
        kind=ArticleKind.NOTE,
        fields={"text": text, "new_text": text, "author": actor, "sender_name": name},
    )
    events.ticket_resolution_note_event(ticket=current, article=article, actor=name)
    reasons = (
        resolution_refusals(recipient=current.customer.email) if notify_customer else ["agent"]
    )
    if reasons:
        events.ticket_resolution_mail_suppressed_event(ticket=current, reasons=reasons)
    else:
        _send_resolution(current, actor)
    return current


def _send_resolution(ticket: Ticket, actor: User | None) -> OutboundMessage:
    """Queue the resolution notice and keep it in the conversation as an outbound article."""
    about = ticket_mail_facts(ticket, rating=True)
    language = resolution_language(about=about)
    draft = resolution_draft(
        about=about,
        language=language,
        participants=[p.email for p in ticket.participants.order_by("pk")],
        thread=ticket_mail_thread(ticket),
    )
    outbound = outbound_queue(draft=draft)
    mailbox = ticket.mailbox
    article_add(
        ticket=ticket,
        direction=ArticleDirection.OUT,
        kind=ArticleKind.MAIL,
        fields={
            "sender_email": mailbox.address,
            "sender_name": mailbox.sender_name or mailbox.name,
            "to": [{"name": ticket.customer.name, "email": ticket.customer.email}],
            "cc": [{"name": "", "email": address} for address in draft.cc],
            "subject": draft.subject,
            "message_id": outbound.message_id.strip("<>"),
            "in_reply_to": draft.thread.in_reply_to.strip("<>"),
            "text": draft.text,
            "new_text": draft.text,
            "sent_at": outbound.created_at,
            "author": actor,
            "outbound": outbound,
        },
    )
    events.ticket_resolution_mail_queued_event(
        ticket=ticket, outbound_id=outbound.pk, language=language
    )
    return outbound


def ticket_reopen_window_open(*, ticket: Ticket, now: datetime) -> bool:
    """True when a customer's mail may still reopen ``ticket`` (always, unless it is closed).

    A closed ticket reopens within ``VENTANILLA_REOPEN_DAYS`` of ``closed_at`` (inclusive);
    one closed before closing times were stored counts from its last activity.
    """
    if ticket.status != TicketStatus.CLOSED:
        return True
    closed = ticket.closed_at or ticket.last_activity_at
    return now - closed <= timedelta(days=settings.VENTANILLA_REOPEN_DAYS)


@transaction.atomic(savepoint=False)
def ticket_follow_up_open(
    *,
    previous: Ticket,
    customer: Customer,
    subject: str,
    received_at: datetime,
    language: str,
    possible_spoof: bool,
    inbound_id: int | None,
) -> Ticket:
    """Open a new ticket for mail about ``previous``, closed longer than the reopen window.

    ``customer`` is whoever wrote (the old customer or a participant). The new ticket
    links back through ``follow_up_of`` and keeps the old one's team (its agents know the
    case); both tickets get a "follow-up" event.
    """
    ticket = ticket_create_from_mail(
        mailbox=previous.mailbox,
        customer=customer,
        subject=subject,
        received_at=received_at,
        language=language,
        possible_spoof=possible_spoof,
        inbound_id=inbound_id,
    )
    ticket.follow_up_of = previous
    ticket.team_id = previous.team_id
    ticket.save(update_fields=["follow_up_of", "team", "updated_at"])
    for side in (previous, ticket):
        events.ticket_follow_up_event(
            ticket=side, previous=previous.number, follow_up=ticket.number
        )
    return ticket


def tickets_auto_close(*, now: datetime, days: int | None = None) -> list[str]:
    """Close resolved tickets resolved more than ``days`` (default the setting) before ``now``.

    Each ticket closes in its own transaction under a row lock and is checked again there,
    so a customer's reply arriving meanwhile wins and a rerun closes nothing twice
    (idempotent). Returns the numbers closed.
    """
    limit = now - timedelta(days=settings.VENTANILLA_AUTO_CLOSE_DAYS if days is None else days)
    due = Ticket.objects.filter(status=TicketStatus.RESOLVED, resolved_at__lte=limit)
    closed: list[str] = []
    for pk in due.order_by("resolved_at", "pk").values_list("pk", flat=True):
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().filter(pk=pk).first()
            if ticket is None or not _still_due(ticket, limit):
                continue
            ticket_transition(ticket=ticket, to=TicketStatus.CLOSED, reason="auto-close")
            closed.append(ticket.number)
    return closed


def _still_due(ticket: Ticket, limit: datetime) -> bool:
    """Checked again under the lock: not reopened nor re-resolved since the listing."""
    resolved_at = ticket.resolved_at
    return (
        ticket.status == TicketStatus.RESOLVED and resolved_at is not None and resolved_at <= limit
    )
