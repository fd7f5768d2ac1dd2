"""PLACEHOLDER rule blocked-sender (being written)."""

from __future__ import annotations

from ventanilla.mail.pipeline.context import Context


class BlockedSenderRule:
    """PLACEHOLDER."""

    name = "blocked-sender"
    description = "placeholder"

    def check(self, ctx: Context) -> bool:
        """See `Rule`."""
        return False
