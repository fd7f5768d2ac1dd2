"""Test helpers: compose or queue a mail from keyword arguments, through a real ``Draft``.

The outbound tests describe a mail field by field; these helpers build the immutable
``Draft`` the production functions take and call them, nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ventanilla.mail.models import Mailbox, OutboundMessage
from ventanilla.outbound import compose, services
from ventanilla.outbound.attach import MimeAttachment
from ventanilla.outbound.draft import Draft, Thread
from ventanilla.tickets.models import Ticket


def compose_message(
    *,
    mailbox: Mailbox,
    message_id: str,
    to: Sequence[str],
    subject: str,
    text: str,
    cc: Sequence[str] = (),
    html: str = "",
    in_reply_to: str = "",
    references: Sequence[str] = (),
    automatic: bool = False,
    language: str = "",
    date: datetime | None = None,
    sender_name: str = "",
    attachments: Sequence[MimeAttachment] = (),
    kind: str = "reply",
) -> bytes:
    """``compose.compose_message`` of the draft these fields describe."""
    draft = Draft(
        mailbox=mailbox,
        kind=kind,
        message_id=message_id,
        to=tuple(to),
        cc=tuple(cc),
        subject=subject,
        text=text,
        html=html,
        thread=Thread.of(in_reply_to, references),
        attachments=tuple(attachments),
        automatic=automatic,
        language=language,
        sender_name=sender_name,
        date=date,
    )
    return compose.compose_message(draft)


def outbound_queue(
    *,
    mailbox: Mailbox,
    ticket: Ticket | None,
    kind: str,
    to: Sequence[str],
    subject: str,
    text: str,
    cc: Sequence[str] = (),
) -> OutboundMessage:
    """``services.outbound_queue`` of the draft these fields describe (Message-ID signed)."""
    number = ticket.number if ticket is not None else ""
    draft = Draft(
        mailbox=mailbox,
        kind=kind,
        message_id=compose.new_message_id(mailbox=mailbox, ticket_number=number),
        to=tuple(to),
        cc=tuple(cc),
        subject=subject,
        text=text,
        ticket_id=ticket.pk if ticket is not None else None,
    )
    return services.outbound_queue(draft=draft)
