"""Agents answer the customer (a mail through the outbox) or write internal notes.

A reply is one outbound ``Article`` and one ``OutboundMessage`` (kind REPLY), written in the
same transaction and mailed on commit. The mail itself (subject, signatures, Cc, attachments,
threading headers, HTML alternative) is ``outbound.kinds.reply``'s; this module gives it
what it needs of the ticket and the agent and records the answer in the conversation.
Notes are articles of kind NOTE and never create outbound mail. Canned responses live in
``tickets.canned`` (``canned_render`` is re-exported here).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ventanilla.agents.selectors import agent_profile
from ventanilla.customers.models import Customer
from ventanilla.mail.models import OutboundMessage
from ventanilla.outbound.draft import Draft
from ventanilla.outbound.kinds.reply import ReplyAuthor, reply_draft
from ventanilla.outbound.services import outbound_queue
from ventanilla.tickets import events
from ventanilla.tickets.canned import canned_for, canned_render
from ventanilla.tickets.models import Article, ArticleDirection, ArticleKind, Ticket
from ventanilla.tickets.models import TicketStatus as S
from ventanilla.tickets.outgoing import ticket_mail_facts, ticket_mail_thread
from ventanilla.tickets.services import article_add, attachment_add, participant_add
from ventanilla.tickets.sla import ticket_first_response
from ventanilla.tickets.states import ticket_transition

__all__ = ["canned_for", "canned_render", "ticket_note_add", "ticket_reply"]


def _author(author: User) -> ReplyAuthor:
    """The agent as his reply shows him: full name (else username) and signature."""
    profile = agent_profile(author)
    return ReplyAuthor(
        name=author.get_full_name() or author.get_username(),
        signature=profile.signature if profile else "",
    )


def _status_after_reply(*, ticket: Ticket, pending: bool, actor: str) -> None:
    """new/open → open, or → pending when the agent waits on the customer; others stay."""
    target = S.PENDING if pending else S.OPEN
    if ticket.status in (S.NEW, S.OPEN) and ticket.status != target:
        ticket_transition(ticket=ticket, to=target, actor=actor, reason="agent-reply")


@transaction.atomic
def ticket_reply(
    *,
    ticket: Ticket,
    author: User,
    text: str,
    cc: Sequence[str] = (),
    attachments: Sequence[UploadedFile[bytes]] = (),
    pending: bool = False,
) -> Article:
    """Queue the agent's answer to the customer and record it as an outbound article.

    Raises ``ValidationError`` for a blank text, a customer address that cannot receive
    mail, a bad Cc address or too large attachments (nothing is stored then). The first
    reply stamps the SLA's first response.
    """
    if not text.strip():
        raise ValidationError(_("The reply is empty."))
    # Lock only the ticket row (PostgreSQL would lock the joined mailbox and customer too).
    locked = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("mailbox", "customer")
        .get(pk=ticket.pk)
    )
    draft = reply_draft(
        about=ticket_mail_facts(locked),
        author=_author(author),
        text=text,
        cc=cc,
        files=attachments,
        thread=ticket_mail_thread(locked),
    )
    outbound = outbound_queue(draft=draft)
    fields = _article_fields(draft, outbound, author=author, text=text, customer=locked.customer)
    article = article_add(
        ticket=locked, direction=ArticleDirection.OUT, kind=ArticleKind.MAIL, fields=fields
    )
    _after_reply(ticket=locked, article=article, draft=draft, pending=pending)
    events.ticket_reply_queued_event(
        ticket=locked, article=article, outbound_id=outbound.pk, actor=author.get_username()
    )
    return article


def _article_fields(
    draft: Draft, outbound: OutboundMessage, *, author: User, text: str, customer: Customer
) -> dict[str, Any]:
    """The outbound article that keeps the reply in the conversation."""
    return {
        "sender_email": draft.mailbox.address,
        "sender_name": draft.sender_name[:200],
        "to": [{"name": customer.name, "email": customer.email}],
        "cc": [{"name": "", "email": address} for address in draft.cc],
        "subject": draft.subject[:998],
        "message_id": outbound.message_id,
        "in_reply_to": draft.thread.in_reply_to.strip("<>"),
        "text": draft.text,
        "new_text": text.strip(),
        "html": draft.html,
        "sent_at": timezone.now(),
        "author": author,
        "outbound": outbound,
    }


def _after_reply(*, ticket: Ticket, article: Article, draft: Draft, pending: bool) -> None:
    """Store the attachments, record Cc participants, move the status, stamp the SLA."""
    for file in draft.attachments:
        attachment_add(
            article=article,
            filename=file.filename,
            content_type=file.content_type,
            content=file.content,
        )
    for address in draft.cc:
        participant_add(ticket=ticket, email=address, name="", role="cc")
    actor = article.author.get_username() if article.author else "system"
    _status_after_reply(ticket=ticket, pending=pending, actor=actor)
    if ticket.first_response_at is None:
        ticket_first_response(ticket=ticket, at=article.created_at)


@transaction.atomic
def ticket_note_add(*, ticket: Ticket, author: User, text: str) -> Article:
    """Add an internal note: an article of kind NOTE, shown to agents, never mailed.

    Notes are stored with direction "out" (written by us) and no outbound mail; the kind is
    what marks them internal in the ticket view and the export.
    """
    if not text.strip():
        raise ValidationError(_("The note is empty."))
    article = article_add(
        ticket=ticket,
        direction=ArticleDirection.OUT,
        kind=ArticleKind.NOTE,
        fields={
            "sender_email": author.email,
            "sender_name": (author.get_full_name() or author.get_username())[:200],
            "text": text.strip() + "\n",
            "new_text": text.strip(),
            "author": author,
        },
    )
    events.ticket_note_added_event(ticket=ticket, article=article, actor=author.get_username())
    return article
