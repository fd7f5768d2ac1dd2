"""The ``date`` step: a Date header we cannot believe gives way to the time we received the mail."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from ventanilla.core.dates import datetime_plausible
from ventanilla.pipeline.context import Context

# How much of an implausible header the reason quotes; the raw message keeps all of it.
QUOTED_CHARS = 120


class BoundDate:
    """Make ``ctx.parsed.date`` a plausible UTC moment, or the received time.

    Every later step (the ticket's received time for imports, the article's date) reads
    ``ctx.parsed.date``, so bounding it once here keeps them consistent. A Date that cannot
    be parsed, lies outside 1970 .. received + 1 day, or has a zone no clock uses
    (``core.dates``) is replaced by the time the message was stored, and the reasons say so.
    The original header is never lost: it stays in the stored raw message
    (``InboundMessage.raw``), and the reason quotes its beginning. No Date at all stays
    None (RFC 5322 §3.6.1 requires one, but its absence is not a wrong date).
    """

    name = "date"
    description = "Replace an unparsable or implausible Date header by the received time."

    def process(self, ctx: Context) -> None:
        """See `Handler`."""
        mail = ctx.parsed
        original = mail.header("Date").strip()
        if not original and mail.date is None:
            return
        # An unsaved row (unit tests build contexts without storing them) has no time yet.
        received: datetime = getattr(ctx.inbound, "received_at", None) or timezone.now()
        plausible = datetime_plausible(mail.date, reference=received) if mail.date else None
        if plausible is None:
            quoted = " ".join(original.split())[:QUOTED_CHARS]
            ctx.reasons.append(f"implausible Date {quoted!r}: the received time is used")
            plausible = received
        mail.date = plausible
