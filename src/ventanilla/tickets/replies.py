"""Agents answer the customer (a mail through the outbox) or write internal notes (issue 4, item 6).

A reply is one outbound ``Article`` and one ``OutboundMessage`` (kind REPLY), written in the
same transaction and mailed on commit. What the customer's mail client needs to thread it,
and what we need to thread the customer's answer back:

- ``Message-ID``: our signed token for the ticket (``core/signing.py``), the strongest
  threading evidence we have when the customer replies;
- ``In-Reply-To``: the customer's last mail; ``References``: the conversation's ids, capped
  to the first one (the thread root) and the last ten (RFC 5322 §3.6.4 sets no limit, but
  long ones get cut by some servers; RFC 5537 §3.4.4 keeps root + recent the same way);
- ``Subject``: ``[SOP-2026-00042] Re: <original subject>``, the number once and one "Re:";
- ``From``: the mailbox address shown as "Agent Name (Mailbox name)": customers answer the
  support address, never the agent's own.

The body is the agent's text, then "-- " (RFC 3676 §4.3 signature separator), the agent's
signature and the mailbox's. With simple formatting (``tickets.formatting``) the mail gets an
HTML alternative too. Notes are articles of kind NOTE and never create outbound mail.
Canned responses live in ``tickets.canned`` (``canned_render`` is re-exported here).
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ventanilla.agents.selectors import agent_profile
from ventanilla.mail.models import OutboundKind
from ventanilla.outbound.addresses import address_problem, parse_address
from ventanilla.outbound.attach import MimeAttachment, safe_content_type, safe_filename
from ventanilla.outbound.services import outbound_queue
from ventanilla.tickets import events
from ventanilla.tickets.canned import canned_for, canned_render
from ventanilla.tickets.formatting import has_formatting, markdown_to_html
from ventanilla.tickets.models import Article, ArticleDirection, ArticleKind, Ticket
from ventanilla.tickets.models import TicketStatus as S
from ventanilla.tickets.selectors import ticket_conversation_thread
from ventanilla.tickets.services import article_add, attachment_add, participant_add
from ventanilla.tickets.sla import ticket_first_response
from ventanilla.tickets.states import ticket_transition

__all__ = ["canned_for", "canned_render", "reply_subject", "ticket_note_add", "ticket_reply"]

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024  # in total: many relays refuse mail above ~25 MB
# "Re:", "RE:", "Aw:" (German), "Sv:" (Nordic), "Antw:" (Dutch), "Re[2]:" (some clients).
_REPLY_PREFIX = re.compile(r"^\s*(?:re|aw|sv|antw)\s*(?:\[\d+\])?\s*:\s*", re.IGNORECASE)


def reply_subject(*, number: str, subject: str) -> str:
    """Return ``[NUMBER] Re: subject`` without stacked prefixes or a repeated number."""
    base = subject
    while True:
        stripped = _REPLY_PREFIX.sub("", base.replace(f"[{number}]", "", 1).strip(), count=1)
        if stripped == base:
            break
        base = stripped
    base = " ".join(base.split()) or _("(no subject)")
    return f"[{number}] Re: {base}"


def _signed(text: str, *, author: User, ticket: Ticket) -> str:
    """Return the agent's text with the agent's and the mailbox's signatures below "-- "."""
    profile = agent_profile(author)
    signatures = [
        part.strip()
        for part in (profile.signature if profile else "", ticket.mailbox.signature)
        if part and part.strip()
    ]
    body = text.strip()
    if signatures:
        body += "\n\n-- \n" + "\n\n".join(signatures)
    return body + "\n"


def _clean_cc(cc: Sequence[str], *, customer_email: str) -> list[str]:
    """Return the Cc addresses, normalised and each once; ``ValidationError`` for bad ones."""
    result: list[str] = []
    bad: list[str] = []
    for value in cc:
        if not value.strip():
            continue
        if address_problem(value) or "@" not in value:
            bad.append(value.strip())
            continue
        address = parse_address(value).addr_spec.lower()
        if address != customer_email.lower() and address not in result:
            result.append(address)
    if bad:
        raise ValidationError(
            _("Not a valid address: %(addresses)s"), params={"addresses": ", ".join(bad)}
        )
    return result


def _read_files(files: Sequence[UploadedFile[bytes]]) -> list[MimeAttachment]:
    """Read the uploaded files (bounded in total size) into attachments for the mail."""
    result: list[MimeAttachment] = []
    total = 0
    for upload in files:
        content = b"".join(upload.chunks())
        total += len(content)
        if total > MAX_ATTACHMENT_BYTES:
            raise ValidationError(
                _("Attachments may add up to %(mb)d MB at most."),
                params={"mb": MAX_ATTACHMENT_BYTES // (1024 * 1024)},
            )
        name = safe_filename(upload.name or "")
        guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
        kind = safe_content_type(upload.content_type or guessed)
        result.append(MimeAttachment(filename=name, content_type=kind, content=content))
    return result


def _display_name(author: User, ticket: Ticket) -> str:
    mailbox = ticket.mailbox
    return (
        f"{author.get_full_name() or author.get_username()} ({mailbox.sender_name or mailbox.name})"
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

    Raises ``ValidationError`` for a blank text, a bad Cc address or too large attachments
    (nothing is stored then). The first reply stamps the SLA's first response.
    """
    if not text.strip():
        raise ValidationError(_("The reply is empty."))
    # Lock only the ticket row (PostgreSQL would lock the joined mailbox and customer too).
    locked = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("mailbox", "customer")
        .get(pk=ticket.pk)
    )
    customer = locked.customer
    if address_problem(customer.email):
        raise ValidationError(_("The customer's address cannot receive mail."))
    cc_list = _clean_cc(cc, customer_email=customer.email)
    files = _read_files(attachments)
    body = _signed(text, author=author, ticket=locked)
    html = markdown_to_html(body) if has_formatting(text) else ""
    in_reply_to, references = ticket_conversation_thread(ticket=locked)
    subject = reply_subject(number=locked.number, subject=locked.subject)
    sender_name = _display_name(author, locked)
    outbound = outbound_queue(
        mailbox=locked.mailbox,
        ticket=locked,
        kind=OutboundKind.REPLY,
        to=[customer.email],
        cc=cc_list,
        subject=subject,
        text=body,
        html=html,
        in_reply_to=in_reply_to,
        references=references,
        language=locked.language,
        sender_name=sender_name,
        attachments=files,
    )
    article = article_add(
        ticket=locked,
        direction=ArticleDirection.OUT,
        kind=ArticleKind.MAIL,
        fields={
            "sender_email": locked.mailbox.address,
            "sender_name": sender_name[:200],
            "to": [{"name": customer.name, "email": customer.email}],
            "cc": [{"name": "", "email": address} for address in cc_list],
            "subject": subject[:998],
            "message_id": outbound.message_id,
            "in_reply_to": in_reply_to.strip("<>"),
            "text": body,
            "new_text": text.strip(),
            "html": html,
            "sent_at": timezone.now(),
            "author": author,
            "outbound": outbound,
        },
    )
    _after_reply(ticket=locked, article=article, files=files, cc_list=cc_list, pending=pending)
    events.ticket_reply_queued_event(
        ticket=locked, article=article, outbound_id=outbound.pk, actor=author.get_username()
    )
    return article


def _after_reply(
    *,
    ticket: Ticket,
    article: Article,
    files: Sequence[MimeAttachment],
    cc_list: Sequence[str],
    pending: bool,
) -> None:
    """Store the attachments, record Cc participants, move the status, stamp the SLA."""
    for file in files:
        attachment_add(
            article=article,
            filename=file.filename,
            content_type=file.content_type,
            content=file.content,
        )
    for address in cc_list:
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
