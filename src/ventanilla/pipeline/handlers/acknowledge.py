"""Acknowledge a new ticket: tell the customer we have it, and its number.

The acknowledgement goes to the ticket's customer (the From address), not to Reply-To nor
the envelope sender. The envelope sender of real mail is often a bounce address of the
sending platform (VERP), and Reply-To may name a third party; the acknowledgement repeats
the subject and confirms a ticket exists, so it only goes to the person the ticket is for.
Agents' replies may honour Reply-To; an automatic answer should be the most conservative.
The rate limit is then counted per customer, exactly the recipient.

Whether it may go is ``outbound.policy``'s decision (automatic mail, lists and robots, whose
rules put their names in ``ctx.no_ack``; imports, possible spoofs, our own addresses, the
rate limit). Every silence is recorded as an ``ack-suppressed`` event with its reasons.

Customer addresses are written as they are, internationalised ones included (RFC 6531/6532,
see ``outbound.addresses``); one that cannot be written at all ("bad-recipient") silences
the acknowledgement, never the customer's mail: the ticket is still created.
"""

from __future__ import annotations

from django.utils import timezone

from ventanilla.mail.selectors import mailbox_notice_active
from ventanilla.outbound.compose import references_chain
from ventanilla.outbound.draft import Thread
from ventanilla.outbound.kinds.ack import ack_draft, ack_language
from ventanilla.outbound.policy import ack_refusals
from ventanilla.outbound.services import outbound_queue
from ventanilla.pipeline.context import Context, MailKind
from ventanilla.tickets import events
from ventanilla.tickets.models import Ticket
from ventanilla.tickets.outgoing import ticket_mail_facts


class Acknowledge:
    """Queue the acknowledgement of a newly created ticket, or record why not."""

    name = "acknowledge"
    description = "Mail the customer the ticket number of a new ticket (unless suppressed)."

    def process(self, ctx: Context) -> None:
        """See `Handler`."""
        ticket = ctx.ticket
        if not ctx.created_ticket or ticket is None or ctx.kind is not MailKind.MAIL:
            return  # replies and automatic mail are never acknowledged
        reasons = suppression_reasons(ctx, ticket)
        if reasons:
            events.ticket_ack_suppressed_event(ticket=ticket, reasons=reasons)
            return
        about = ticket_mail_facts(ticket)
        language = ack_language(
            customer_language=about.customer_language, detected=ctx.language, mailbox=ctx.mailbox
        )
        mail = ctx.parsed
        # RFC 3834 §3.1.5 and RFC 5322 §3.6.4: the ack is a reply to the customer's mail.
        thread = Thread.of(
            mail.message_id,
            references_chain(parent_references=mail.references, parent_message_id=mail.message_id),
        )
        # The mailbox's service notice in force now ("we are migrating...") goes with it.
        notice = mailbox_notice_active(mailbox=ctx.mailbox, at=timezone.now())
        draft = ack_draft(
            about=about,
            language=language,
            thread=thread,
            notice=notice.text_in(language) if notice is not None else "",
        )
        outbound = outbound_queue(draft=draft)
        events.ticket_ack_queued_event(ticket=ticket, outbound_id=outbound.pk, language=language)


def suppression_reasons(ctx: Context, ticket: Ticket) -> list[str]:
    """Return why this ticket must not be acknowledged (empty: it may be): ``policy``'s say."""
    return ack_refusals(
        mailbox=ctx.mailbox,
        recipient=ticket.customer.email,
        found=ctx.no_ack,
        imported=not ctx.inbound.send_ack,
        possible_spoof=ctx.possible_spoof or ticket.possible_spoof,
    )
