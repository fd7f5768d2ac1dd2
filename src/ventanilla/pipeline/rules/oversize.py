"""Rule ``oversize``: a message larger than we accept is kept aside, not processed."""

from __future__ import annotations

from django.conf import settings

from ventanilla.pipeline.context import Context


def size_limit(ctx: Context) -> int:
    """Return the largest size accepted for this mailbox: its own limit or the global one."""
    limits = [int(settings.VENTANILLA_MAX_MESSAGE_BYTES), int(ctx.mailbox.max_message_bytes or 0)]
    positive = [limit for limit in limits if limit > 0]
    return min(positive) if positive else 0


class Oversize:
    """Match messages above the size limit (the smaller of the mailbox's and the global).

    The chain quarantines them: the bytes are kept and visible, and an administrator can
    raise the limit and reprocess, instead of the sender's mail silently disappearing.
    """

    name = "oversize"
    description = "The message is larger than the mailbox (or global) size limit."

    def check(self, ctx: Context) -> bool:
        """See `Rule`."""
        limit = size_limit(ctx)
        size = len(ctx.raw)
        if limit <= 0 or size <= limit:
            return False
        ctx.reasons.append(f"message of {size} bytes is larger than the limit of {limit} bytes")
        return True
