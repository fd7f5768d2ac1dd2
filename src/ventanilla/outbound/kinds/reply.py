"""An agent's answer to the customer: subject, signed body, Cc, attachments, threading.

What the customer's mail client needs to thread it, and what we need to thread the
customer's answer back:

- ``Message-ID``: our signed token for the ticket (``core/signing.py``), the strongest
  threading evidence we have when the customer replies;
- ``In-Reply-To``: the customer's last mail; ``References``: the conversation's ids, capped
  to the first one (the thread root) and the last ten (RFC 5322 §3.6.4 sets no limit, but
  long ones get cut by some servers; RFC 5537 §3.4.4 keeps root + recent the same way),
  given by the caller;
- ``Subject``: ``[SOP-2026-00042] Re: <original subject>``, the number once and one "Re:";
- ``From``: the mailbox address shown as "Agent Name (Mailbox name)": customers answer the
  support address, never the agent's own.

The body is the agent's text, then "-- " (RFC 3676 §4.3 signature separator), the agent's
signature and the mailbox's. With simple formatting (``outbound.formatting``) the mail gets
an HTML alternative too.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import translation
from django.utils.translation import gettext as _

from ventanilla.mail.models import OutboundKind
from ventanilla.outbound.addresses import address_problem, parse_address
from ventanilla.outbound.attach import MimeAttachment, safe_content_type, safe_filename
from ventanilla.outbound.compose import new_message_id
from ventanilla.outbound.draft import Draft, Thread, TicketFacts
from ventanilla.outbound.formatting import has_formatting, markdown_to_html
from ventanilla.outbound.kinds.ack import ack_language

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024  # in total: many relays refuse mail above ~25 MB
# "Re:", "RE:", "Aw:" (German), "Sv:" (Nordic), "Antw:" (Dutch), "Re[2]:" (some clients).
_REPLY_PREFIX = re.compile(r"^\s*(?:re|aw|sv|antw)\s*(?:\[\d+\])?\s*:\s*", re.IGNORECASE)


@dataclass(frozen=True)
class ReplyAuthor:
    """The agent who answers: the name shown in From, and his signature ("" for none)."""

    name: str
    signature: str = ""


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


def reply_body(text: str, *, signatures: Sequence[str]) -> str:
    """Return the agent's text with the non-blank ``signatures`` below "-- " (RFC 3676 §4.3)."""
    kept = [part.strip() for part in signatures if part and part.strip()]
    body = text.strip()
    if kept:
        body += "\n\n-- \n" + "\n\n".join(kept)
    return body + "\n"


def reply_cc(cc: Sequence[str], *, customer_email: str) -> list[str]:
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


def reply_attachments(files: Sequence[UploadedFile[bytes]]) -> list[MimeAttachment]:
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


def reply_portal_line(*, about: TicketFacts) -> str:
    """The line with the customer's link to the ticket's page, in his language ("" for none).

    It goes below the signature separator: a customer's reply that quotes our mail leaves
    it out of his new text like any signature (RFC 3676 §4.3).
    """
    if not about.portal_url:
        return ""
    language = ack_language(
        customer_language=about.customer_language, detected=about.language, mailbox=about.mailbox
    )
    with translation.override(language):
        label = _("Your request online:")  # outside the f-string, where makemessages sees it
        return f"{label} {about.portal_url}"


def reply_draft(
    *,
    about: TicketFacts,
    author: ReplyAuthor,
    text: str,
    cc: Sequence[str] = (),
    files: Sequence[UploadedFile[bytes]] = (),
    thread: Thread,
) -> Draft:
    """Return the agent's answer ``text`` to the customer of the ticket ``about``.

    Raises ``ValidationError`` when the customer's address cannot receive mail, for a bad Cc
    address or for too large attachments.
    """
    if address_problem(about.customer_email):
        raise ValidationError(_("The customer's address cannot receive mail."))
    copies = reply_cc(cc, customer_email=about.customer_email)
    attachments = reply_attachments(files)
    mailbox = about.mailbox
    body = reply_body(
        text, signatures=(author.signature, mailbox.signature, reply_portal_line(about=about))
    )
    return Draft(
        mailbox=mailbox,
        kind=OutboundKind.REPLY,
        message_id=new_message_id(mailbox=mailbox, ticket_number=about.number),
        to=(about.customer_email,),
        cc=tuple(copies),
        subject=reply_subject(number=about.number, subject=about.subject),
        text=body,
        html=markdown_to_html(body) if has_formatting(text) else "",
        thread=thread,
        attachments=tuple(attachments),
        language=about.language,
        sender_name=f"{author.name} ({mailbox.sender_name or mailbox.name})",
        ticket_id=about.id,
    )
