"""The values outgoing mail is made of: a `Draft`, and what its caller tells us of a ticket.

Every kind of mail (``outbound/kinds/``) builds one immutable `Draft`; ``outbound_queue``
stores it as an outbox row and ``compose_message`` writes its bytes. Outbound never looks a
ticket up: the ticket's code describes the ticket a mail is about with a `TicketRef` (enough
to sign the Message-ID, name and link it) or `TicketFacts` (the customer too), and the
thread to answer with a `Thread`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ventanilla.outbound.attach import MimeAttachment

if TYPE_CHECKING:
    from ventanilla.mail.models import Mailbox


@dataclass(frozen=True)
class Thread:
    """Where a mail goes in a conversation (RFC 5322 §3.6.4).

    ``references`` is the complete References list (see ``compose.references_chain``).
    """

    in_reply_to: str = ""
    references: tuple[str, ...] = ()

    @classmethod
    def of(cls, in_reply_to: str, references: Sequence[str]) -> Thread:
        """Return the thread of a reply to ``in_reply_to`` with ``references``."""
        return cls(in_reply_to=in_reply_to, references=tuple(references))


@dataclass(frozen=True)
class TicketRef:
    """The ticket a mail is about: its row, number, subject and mailbox."""

    id: int
    number: str
    subject: str
    mailbox: Mailbox


@dataclass(frozen=True)
class TicketFacts(TicketRef):
    """A ticket and its customer, as mail to the customer needs them."""

    received_at: datetime
    customer_name: str
    customer_email: str
    customer_language: str
    # The language detected in the conversation ("" when unknown).
    language: str
    # The customer's personal link to the ticket's portal page ("" for none): shown in mail.
    portal_url: str = ""
    # The resolution notice's one-click rating: each opens a confirmation page, which records
    # nothing until the customer presses its button ("" for none).
    rating_good_url: str = ""
    rating_bad_url: str = ""


@dataclass(frozen=True)
class Draft:
    """One outgoing mail, complete: what ``compose_message`` writes and the outbox stores.

    ``to``/``cc`` are addresses (``a@b.es`` or ``Name <a@b.es>``). ``automatic`` marks mail
    no human decided to send at that moment (RFC 3834 §5 headers). ``sender_name`` overrides
    the mailbox's display name; ``date`` is "now" when None.
    """

    mailbox: Mailbox
    kind: str
    message_id: str
    to: tuple[str, ...]
    subject: str
    text: str
    cc: tuple[str, ...] = ()
    html: str = ""
    thread: Thread = Thread()
    attachments: tuple[MimeAttachment, ...] = ()
    automatic: bool = False
    language: str = ""
    sender_name: str = ""
    ticket_id: int | None = None
    date: datetime | None = None
