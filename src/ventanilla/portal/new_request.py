"""A new request written in the portal enters like mail: an RFC 5322 message to ``ingest_raw``.

The portal does not create tickets itself. It writes the message a mail client would have
written (RFC 5322 §3.6: From, To, Subject, Date, Message-ID; a UTF-8 text body, RFC 6532
for non-ASCII) and hands it to the one door, ``intake.ingest.ingest_raw``, with the source
``portal``: the raw bytes are stored first, and the live pipeline then makes the ticket,
triages it and acknowledges it exactly as it would a mail.

The From is the signed-in customer's own address, which his sign-in link proved he reads.
"""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTPUTF8
from email.utils import format_datetime, make_msgid

from django.utils import timezone

from ventanilla.customers.models import Customer
from ventanilla.intake.ingest import IngestResult, ingest_raw
from ventanilla.mail.models import InboundSource, Mailbox
from ventanilla.outbound.compose import one_line
from ventanilla.outbound.kinds.portal_signin import portal_signin_mailbox

SUBJECT_MAX = 200
BODY_MAX = 20_000


class NoMailboxError(RuntimeError):
    """No active mailbox to address the request to (the portal then says so)."""


def portal_request_message(
    *, customer: Customer, mailbox: Mailbox, subject: str, body: str
) -> bytes:
    """Return the RFC 5322 bytes of a new request from ``customer`` to ``mailbox``."""
    message = EmailMessage(policy=SMTPUTF8)
    local, _at, domain = customer.email.rpartition("@")
    message["From"] = Address(
        display_name=one_line(customer.name, 200), username=local, domain=domain
    )
    message["To"] = mailbox.address
    # one_line: a header value never carries a line break a form field smuggled in.
    message["Subject"] = one_line(subject, SUBJECT_MAX)
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = make_msgid(idstring="portal", domain=mailbox.domain)
    if customer.language:
        message["Content-Language"] = customer.language  # RFC 3282
    message.set_content(body.replace("\r\n", "\n")[:BODY_MAX] + "\n")
    return message.as_bytes()


def portal_request_submit(*, customer: Customer, subject: str, body: str) -> IngestResult:
    """Write the request as a message and store it through ``ingest_raw`` (processing follows).

    Raises `NoMailboxError` when no mailbox is active.
    """
    mailbox = portal_signin_mailbox()
    if mailbox is None:
        raise NoMailboxError("no active mailbox")
    raw = portal_request_message(customer=customer, mailbox=mailbox, subject=subject, body=body)
    return ingest_raw(
        raw,
        source=InboundSource.PORTAL,
        envelope_from=customer.email,
        envelope_to=[mailbox.address],
    )
