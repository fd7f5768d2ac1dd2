"""The ``flood`` step: a sender over the acknowledgement limit is flagged.

Runs just before ``acknowledge``. When a new ticket's customer already received
``ack_limit`` acknowledgements within ``ack_window_minutes``, this mail is a flood or a loop
with an autoresponder that strips ``Auto-Submitted`` (RFC 3834 §5): the ticket is still
created, the acknowledgement is suppressed with the reason "rate-limit" (so ``acknowledge``
need not count again), and the customer is flagged once, with a ``sender-flagged`` event on
the ticket that tripped it. The verdict is ``outbound.policy.flood_verdict``'s.
"""

from __future__ import annotations

from ventanilla.customers.flagging import customer_flag
from ventanilla.outbound.policy import RATE_LIMIT, flood_verdict
from ventanilla.pipeline.context import Context, MailKind
from ventanilla.tickets import events


class FloodGuard:
    """Suppress the acknowledgement past the rate limit and flag the sender."""

    name = "flood"
    description = "Past the acknowledgement limit: no ack, and the sender is flagged."

    def process(self, ctx: Context) -> None:
        """See `Handler`."""
        ticket = ctx.ticket
        if ticket is None or not ctx.created_ticket or ctx.kind is not MailKind.MAIL:
            return
        if not ctx.inbound.send_ack or ctx.no_ack:
            return  # no acknowledgement would be sent anyway: nothing to cap
        customer = ticket.customer
        verdict = flood_verdict(
            mailbox=ctx.mailbox, email=customer.email, flagged=customer.flagged_at is not None
        )
        if not verdict.limited:
            return
        ctx.suppress_ack(RATE_LIMIT)
        if verdict.flag_reason and customer_flag(customer=customer, reason=verdict.flag_reason):
            events.ticket_sender_flagged_event(
                ticket=ticket, email=customer.email, reason=verdict.flag_reason
            )
