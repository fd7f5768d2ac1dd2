"""PLACEHOLDER rule auto-submitted (being written)."""

from __future__ import annotations

from ventanilla.mail.pipeline.context import Context


class AutoSubmitted:
    """PLACEHOLDER."""

    name = "auto-submitted"
    description = "placeholder"

    def check(self, ctx: Context) -> bool:
        """See `Rule`."""
        return False
