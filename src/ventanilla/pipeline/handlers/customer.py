"""Create or update the customer from the sender."""

from __future__ import annotations

from ventanilla.customers.services import customer_upsert_from_mail
from ventanilla.pipeline.context import Context, MailKind, Outcome


class ResolveCustomer:
    """Find or create the customer who wrote (name, address, language).

    Automatic mail (auto-replies, bounces) comes from robots, so it creates no customer.
    """

    name = "customer"
    description = "Create or update the customer from the From address."

    def process(self, ctx: Context) -> None:
        """See `Handler`."""
        if ctx.kind is not MailKind.MAIL:
            return
        sender = ctx.parsed.sender
        address = sender.email if sender else ctx.inbound.envelope_from.strip().lower()
        if not address or "@" not in address:
            ctx.stop(Outcome.QUARANTINED, "no sender address (From and envelope sender empty)")
            return
        if sender is None:
            ctx.reasons.append("sender repaired (envelope)")  # no header had an address
        ctx.customer = customer_upsert_from_mail(
            email=address, name=sender.name if sender else "", language=ctx.language
        )
