"""Recognise a message we already have: same Message-ID, same sender, same content."""

from __future__ import annotations

from ventanilla.core.text import db_safe
from ventanilla.mail.models import InboundMessage, InboundState
from ventanilla.parse.fingerprint import content_fingerprint
from ventanilla.pipeline.context import Context, Outcome
from ventanilla.tickets.selectors import ticket_follow_merges

_DONE = (InboundState.PROCESSED, InboundState.IGNORED, InboundState.DUPLICATE)


class Deduplicate:
    """Stop a second copy (resent by the MTA, fetched twice, imported again) as a duplicate.

    Different bytes are possible for the same mail (another Received line), so the sha256
    check at the door is not enough. Nor is the Message-ID alone: RFC 5322 §3.6.4 wants it
    unique, but senders reuse it (broken generators, a corrected mail sent again), and
    dropping such a mail would lose its text. A copy is a duplicate when an earlier message
    with its Message-ID and sender has the same content fingerprint
    (``parse.fingerprint``: content headers and body, not the transport headers).

    Same Message-ID and sender with other content is a new article; it joins the ticket of
    the earlier message unless stronger evidence (``thread``) points elsewhere. Another
    sender's mail with a Message-ID we know is unrelated: it is threaded like any other.
    One indexed lookup (``inbound_msgid_sender``) over the stored fingerprints.
    """

    name = "deduplicate"
    description = "Stop a copy of a message already processed (same Message-ID, sender, content)."

    def process(self, ctx: Context) -> None:
        """See `Handler`."""
        mail = ctx.parsed
        if not mail.message_id or mail.sender is None:
            return
        fingerprint = content_fingerprint(ctx.raw)
        ctx.inbound.content_sha256 = fingerprint  # stored with the outcome (services._record)
        earlier = list(
            InboundMessage.objects.filter(
                message_id=db_safe(mail.message_id[:998]),
                sender=db_safe(mail.sender.email[:320]),
                state__in=_DONE,
            )
            .exclude(pk=ctx.inbound.pk)
            .select_related("ticket")
            .only("content_sha256", "ticket")  # never the raw bytes
            .order_by("-pk")
        )
        same = next((row.pk for row in earlier if row.content_sha256 == fingerprint), None)
        if same is not None:
            ctx.stop(Outcome.DUPLICATE, f"duplicate of inbound #{same}")
            return
        threaded = next((row for row in earlier if row.ticket is not None), None)
        if threaded is not None and threaded.ticket is not None:
            ctx.ticket = ticket_follow_merges(threaded.ticket)
            ctx.thread_reason = "message-id"
            ctx.reasons.append(f"same Message-ID as inbound #{threaded.pk}, other content")
