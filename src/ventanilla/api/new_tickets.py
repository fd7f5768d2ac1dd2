"""A ticket created through the API enters through the same door as mail.

The request becomes the RFC 5322 message the customer could have sent (RFC 5322 §3.6:
From, To, Subject, Date, Message-ID; a UTF-8 body, RFC 6532 for non-ASCII), stored by
``intake.ingest.ingest_raw`` with the source ``http``, then run through the live pipeline
at once: threading, the customer record, triage, routing and the acknowledgement happen
exactly as for mail, and the caller learns the ticket in the same response. Should the
process die between the two steps, the stored message is picked up by the inbound sweep.
The agent who made the call is named in an ``X-Ventanilla-Api-Agent`` header of the stored
message, so the raw source tells who wrote it on the customer's behalf.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTPUTF8
from email.utils import format_datetime, make_msgid

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from ventanilla.intake.ingest import ingest_raw
from ventanilla.mail.models import InboundSource, InboundState, Mailbox
from ventanilla.mail.selectors import mailbox_by_address, mailbox_default
from ventanilla.outbound.compose import one_line
from ventanilla.pipeline.services import inbound_process
from ventanilla.tickets.models import Ticket


@dataclass(frozen=True)
class NewRequest:
    """What the caller asked for, already validated by the schema."""

    customer_email: str
    customer_name: str
    subject: str
    text: str
    mailbox: str = ""
    acknowledge: bool = True


@dataclass(frozen=True)
class NewRequestResult:
    """The stored message, its state after the pipeline, and the ticket it joined (if any)."""

    inbound_id: int
    state: str
    ticket: Ticket | None


def _mailbox(address: str) -> Mailbox:
    mailbox = mailbox_by_address(address.strip()) if address.strip() else mailbox_default()
    if mailbox is None or not mailbox.active:
        raise ValidationError(_("No such active support mailbox."), code="mailbox")
    return mailbox


def request_message(*, request: NewRequest, mailbox: Mailbox, agent: User) -> bytes:
    """Return the RFC 5322 bytes of ``request`` from the customer to ``mailbox``."""
    email = request.customer_email.strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError(_("The customer's address is not valid."), code="email") from exc
    local, _at, domain = email.rpartition("@")
    message = EmailMessage(policy=SMTPUTF8)
    name = one_line(request.customer_name, 200)
    message["From"] = Address(display_name=name, username=local, domain=domain)
    message["To"] = mailbox.address
    # one_line: no line break from the JSON body can smuggle in a header.
    message["Subject"] = one_line(request.subject, 200)
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = make_msgid(idstring="api", domain=mailbox.domain)
    message["X-Ventanilla-Api-Agent"] = one_line(agent.get_username(), 150)
    message.set_content(request.text.replace("\r\n", "\n") + "\n")
    return message.as_bytes()


def ticket_request_submit(*, request: NewRequest, agent: User) -> NewRequestResult:
    """Store ``request`` as a message through the one door, process it, return the outcome."""
    mailbox = _mailbox(request.mailbox)
    raw = request_message(request=request, mailbox=mailbox, agent=agent)
    stored = ingest_raw(
        raw,
        source=InboundSource.HTTP,
        envelope_from=request.customer_email.strip(),
        envelope_to=[mailbox.address],
        send_ack=request.acknowledge,
        process=False,
    )
    inbound = stored.inbound
    state = inbound_process(inbound_id=inbound.pk)
    inbound.refresh_from_db(fields=["state", "ticket"])
    ticket = inbound.ticket if state == InboundState.PROCESSED else None
    return NewRequestResult(inbound_id=inbound.pk, state=str(inbound.state), ticket=ticket)
