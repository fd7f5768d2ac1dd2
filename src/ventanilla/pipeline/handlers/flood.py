"""The ``flood`` step: a sender over the acknowledgement limit is flagged (issue 3, item 7).

Runs just before ``acknowledge``. When a new ticket's customer already received
``ack_limit`` acknowledgements within ``ack_window_minutes`` (``outbound.ack``), this mail
is a flood or a loop with an autoresponder that strips ``Auto-Submitted`` (RFC 3834 §5):
the ticket is still created, the acknowledgement is suppressed with the reason
"rate-limit" (so ``acknowledge`` need not count again), and the customer is flagged once,
with a ``sender-flagged`` event on the ticket that tripped it.
"""

from __future__ import annotations

from django.utils.translation import gettext

from ventanilla.customers.flagging import customer_flag
from ventanilla.outbound.ack import ack_rate_limited
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
        if not ack_rate_limited(mailbox=ctx.mailbox, email=customer.email):
            return
        ctx.suppress_ack("rate-limit")
        if customer.flagged_at is not None:
            return
        reason = gettext("More than %(limit)d new requests within %(minutes)d minutes") % {
            "limit": ctx.mailbox.ack_limit,
            "minutes": ctx.mailbox.ack_window_minutes,
        }
        if customer_flag(customer=customer, reason=reason):
            events.ticket_sender_flagged_event(ticket=ticket, email=customer.email, reason=reason)
