"""PLACEHOLDER rule bounce (being written)."""

from __future__ import annotations

from ventanilla.mail.pipeline.context import Context


class BounceRule:
    """PLACEHOLDER."""

    name = "bounce"
    description = "placeholder"

    def check(self, ctx: Context) -> bool:
        """See `Rule`."""
        return False
