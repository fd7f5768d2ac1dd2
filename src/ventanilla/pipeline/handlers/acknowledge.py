"""Acknowledge a new ticket: tell the customer we have it, and its number.

The acknowledgement goes to the ticket's customer (the From address), not to Reply-To nor
the envelope sender. The envelope sender of real mail is often a bounce address of the
sending platform (VERP), and Reply-To may name a third party; the acknowledgement repeats
the subject and confirms a ticket exists, so it only goes to the person the ticket is for.
Agents' replies may honour Reply-To; an automatic answer should be the most conservative.
The rate limit is then counted per customer, exactly the recipient.

Like Mailman's replybot, it stays silent for automatic mail, lists and robots (rules put
their names in ``ctx.no_ack``), imports, possible spoofs and our own addresses (RFC 3834 §2:
never answer automatic mail, never take part in a loop). Every silence is recorded as an
``ack-suppressed`` event with its reasons.

Customer addresses are written as they are, internationalised ones included (RFC 6531/6532,
see ``outbound.addresses``); one that cannot be written at all ("bad-recipient") silences
the acknowledgement, never the customer's mail: the ticket is still created.
"""

from __future__ import annotations

from ventanilla.mail.selectors import mailbox_addresses
from ventanilla.outbound.ack import ack_language, ack_queue, ack_rate_limited
from ventanilla.outbound.addresses import address_problem
from ventanilla.outbound.compose import references_chain
from ventanilla.pipeline.context import Context, MailKind
from ventanilla.tickets import events
from ventanilla.tickets.models import Ticket


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
        language = ack_language(
            customer_language=ticket.customer.language,
            detected=ctx.language,
            mailbox=ctx.mailbox,
        )
        mail = ctx.parsed
        outbound = ack_queue(
            ticket=ticket,
            language=language,
            # RFC 3834 §3.1.5 and RFC 5322 §3.6.4: the ack is a reply to the customer's mail.
            in_reply_to=mail.message_id,
            references=references_chain(
                parent_references=mail.references, parent_message_id=mail.message_id
            ),
        )
        events.ticket_ack_queued_event(ticket=ticket, outbound_id=outbound.pk, language=language)


def suppression_reasons(ctx: Context, ticket: Ticket) -> list[str]:
    """Return why this ticket must not be acknowledged (empty: it may be)."""
    reasons = list(ctx.no_ack)
    if not ctx.inbound.send_ack:
        reasons.append("import")
    if not ctx.mailbox.ack_enabled:
        reasons.append("ack-disabled")
    if ctx.possible_spoof or ticket.possible_spoof:
        reasons.append("possible-spoof")
    recipient = ticket.customer.email.strip().lower()
    if not recipient or "@" not in recipient:
        reasons.append("no-recipient")
    elif address_problem(recipient):
        reasons.append("bad-recipient")
    elif recipient in mailbox_addresses():
        reasons.append("own-address")
    # Counting costs a query: only when nothing else already says no.
    if not reasons and ack_rate_limited(mailbox=ctx.mailbox, email=recipient):
        reasons.append("rate-limit")
    return reasons
