"""The customer's answer written in the portal, as the mail he could have sent instead.

The portal has no door of its own: a reply (or "this is still not solved") becomes an
RFC 5322 message and enters through ``intake.ingest.ingest_raw`` like any mail, so it is
stored raw first, then threaded, triaged and turned into an article with the same state
changes, reopen window and follow-up rules as a mail would get.

The message threads by our signed token (``core/signing.py``) in In-Reply-To, the strongest
evidence the ``thread`` step knows: the personal link already proved who the customer is and
which ticket he is on, and the subject's number alone would not be enough. References carry
the conversation (RFC 5322 §3.6.4) so the agent's mail client shows it in the thread. Its
own Message-ID is random on the mailbox's domain and unsigned: our ``loop`` rule drops any
mail whose Message-ID is one of our signed tokens.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid

from django.utils import timezone

from ventanilla.core.signing import make_message_id
from ventanilla.outbound.attach import MimeAttachment
from ventanilla.outbound.kinds.reply import reply_subject
from ventanilla.tickets.models import Ticket
from ventanilla.tickets.selectors import ticket_conversation_thread


def portal_reply_message(
    *, ticket: Ticket, text: str, attachments: Sequence[MimeAttachment] = ()
) -> bytes:
    """Return the customer's portal reply to ``ticket`` as the bytes of a mail (CRLF)."""
    mailbox = ticket.mailbox
    domain = mailbox.address.rpartition("@")[2]
    token = f"<{make_message_id(ticket_number=ticket.number, domain=domain)}>"
    _parent, references = ticket_conversation_thread(ticket=ticket)
    # Already capped to the root and the latest ids; the token goes last, read first.
    chain = [f"<{mid.strip('<>')}>" for mid in references]
    message = EmailMessage(policy=SMTP)
    customer = ticket.customer
    message["From"] = formataddr((customer.name, customer.email))
    message["To"] = formataddr((mailbox.sender_name or mailbox.name, mailbox.address))
    message["Subject"] = reply_subject(number=ticket.number, subject=ticket.subject)
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = make_msgid(idstring="portal", domain=domain)
    message["In-Reply-To"] = token
    message["References"] = " ".join([*chain, token])
    message.set_content(text.replace("\r\n", "\n"), subtype="plain", charset="utf-8")
    for item in attachments:
        maintype, _slash, subtype = item.content_type.partition("/")
        message.add_attachment(
            item.content,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=item.filename,
        )
    return message.as_bytes()
