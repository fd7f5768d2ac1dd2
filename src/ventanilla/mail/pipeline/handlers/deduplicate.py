"""Recognise a message we already have: the same Message-ID from the same sender."""

from __future__ import annotations

from ventanilla.core.text import db_safe
from ventanilla.mail.models import InboundMessage, InboundState
from ventanilla.mail.pipeline.context import Context, Outcome

_DONE = (InboundState.PROCESSED, InboundState.IGNORED, InboundState.DUPLICATE)


class Deduplicate:
    """Stop a second copy (resent by the MTA, fetched twice, imported again) as a duplicate.

    Different bytes are possible for the same mail (another Received line), so the sha256
    check at the door is not enough; RFC 5322 §3.6.4 makes Message-ID unique per message.
    """

    name = "deduplicate"
    description = "Stop a message whose Message-ID we already processed from the same sender."

    def process(self, ctx: Context) -> None:
        """See `Handler`."""
        mail = ctx.parsed
        if not mail.message_id or mail.sender is None:
            return
        seen = (
            InboundMessage.objects.filter(
                message_id=db_safe(mail.message_id[:998]),
                sender=db_safe(mail.sender.email[:320]),
                state__in=_DONE,
            )
            .exclude(pk=ctx.inbound.pk)
            .values_list("pk", flat=True)
            .first()
        )
        if seen is not None:
            ctx.stop(Outcome.DUPLICATE, f"duplicate of inbound #{seen}")
