"""The resolution notice: "your request is solved; replying is enough if anything is pending".

Sent when an agent resolves a ticket (issue 4, item 7). Like the acknowledgement, the wording
comes from the mailbox's own ``MailTemplate`` for (resolution, language) when there is one,
else from the built-in translated templates ``templates/mail/resolution_subject.txt`` and
``resolution_body.txt``; both get the context of ``ack.ack_context`` (same variables, so one
set of instructions serves both kinds of template).

Decisions:

- It goes to the ticket's customer, with the ticket's participants (the other people the
  customer wrote to or copied) in Cc, as an agent's reply copies its Cc: addresses
  normalised and each once, never the customer twice (``resolution_cc``). A participant
  that is one of our own mailboxes (a loop), an address nobody reads (no-reply, daemons)
  or one that cannot be written is left out; the customer's own suppression reasons stop
  the whole notice, since it is addressed to him.
- It is a reply in the conversation (In-Reply-To the customer's latest mail, References to
  the whole thread, RFC 5322 §3.6.4) with our signed Message-ID and the number in the
  subject, so the customer's "it still fails" threads back and reopens the ticket.
- It carries no ``Auto-Submitted`` header: it is the agent's act, not an automatic reply
  (RFC 3834 §5 reserves ``auto-replied`` for responses to a message). Our inbound loop
  rule still recognises it by ``X-Loop``.
- The resolution note itself is internal (what was wrong, what fixed it) and is not mailed.
- It is never sent to an address nobody reads (no-reply, daemons), to one of our own
  mailboxes, or to an address that cannot be written (the same checks as the
  acknowledgement); a spoof suspicion does not stop it, since it goes to our own customer
  record, not to whoever wrote the mail.
"""

from __future__ import annotations

from typing import Any

from ventanilla.mail.models import Mailbox, MailTemplateKind, OutboundKind, OutboundMessage
from ventanilla.mail.selectors import mailbox_addresses
from ventanilla.outbound.ack import (
    RenderedMail,
    _tidy,
    ack_context,
    ack_language,
    render_custom,
)
from ventanilla.outbound.addresses import address_problem, parse_address
from ventanilla.outbound.render import mailbox_template, render_builtin
from ventanilla.outbound.services import outbound_queue
from ventanilla.pipeline.rules.robot_sender import is_robot_address
from ventanilla.tickets.models import Ticket
from ventanilla.tickets.selectors import ticket_conversation_thread


def resolution_language(*, ticket: Ticket) -> str:
    """The customer's known language, else the conversation's, else the mailbox's default."""
    return ack_language(
        customer_language=ticket.customer.language, detected=ticket.language, mailbox=ticket.mailbox
    )


def resolution_render(*, mailbox: Mailbox, language: str, context: dict[str, Any]) -> RenderedMail:
    """Render the notice in ``language``: the mailbox's own template, else the built-in one."""
    custom = mailbox_template(
        mailbox_id=mailbox.pk, kind=MailTemplateKind.RESOLUTION, language=language
    )
    if custom is not None:
        return render_custom(custom, context)
    subject = render_builtin("mail/resolution_subject.txt", language, context)
    text = render_builtin("mail/resolution_body.txt", language, context)
    return RenderedMail(subject=" ".join(subject.split())[:998], text=_tidy(text))


def resolution_suppression_reasons(*, ticket: Ticket) -> list[str]:
    """Return why the notice must not be sent to the ticket's customer (empty: it may)."""
    recipient = ticket.customer.email.strip().lower()
    if not recipient or "@" not in recipient:
        return ["no-recipient"]
    if address_problem(recipient):
        return ["bad-recipient"]
    if recipient in mailbox_addresses():
        return ["own-address"]
    if is_robot_address(recipient):
        return ["robot-recipient"]
    return []


def resolution_cc(*, ticket: Ticket) -> list[str]:
    """Return the participants to copy on the notice: normalised, each once, never the customer.

    The same loop and robot policy as the customer's own address: never one of our
    mailboxes, a no-reply/system address or an address that cannot be written.
    """
    skip = {ticket.customer.email.strip().lower(), *mailbox_addresses()}
    result: list[str] = []
    for participant in ticket.participants.order_by("pk"):
        value = participant.email.strip()
        if not value or "@" not in value or address_problem(value):
            continue
        address = parse_address(value).addr_spec.lower()
        if address in skip or address in result or is_robot_address(address):
            continue
        result.append(address)
    return result


def resolution_queue(*, ticket: Ticket, language: str) -> tuple[OutboundMessage, RenderedMail, str]:
    """Render the notice of ``ticket`` in ``language`` and queue it for its customer.

    Returns the outbox row, the rendered text and the In-Reply-To used (to record the
    mail as an article of the conversation).
    """
    customer = ticket.customer
    context = ack_context(
        mailbox=ticket.mailbox,
        number=ticket.number,
        subject=ticket.subject,
        received_at=ticket.received_at,
        customer_name=customer.name,
        language=language,
    )
    rendered = resolution_render(mailbox=ticket.mailbox, language=language, context=context)
    in_reply_to, references = ticket_conversation_thread(ticket=ticket)
    outbound = outbound_queue(
        mailbox=ticket.mailbox,
        ticket=ticket,
        kind=OutboundKind.RESOLUTION,
        to=[customer.email],
        cc=resolution_cc(ticket=ticket),
        subject=rendered.subject,
        text=rendered.text,
        in_reply_to=in_reply_to,
        references=references,
        language=language,
    )
    return outbound, rendered, in_reply_to
