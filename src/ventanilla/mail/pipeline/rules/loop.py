"""PLACEHOLDER rule loop (being written)."""

from __future__ import annotations

from ventanilla.mail.pipeline.context import Context


class Loop:
    """PLACEHOLDER."""

    name = "loop"
    description = "placeholder"

    def check(self, ctx: Context) -> bool:
        """See `Rule`."""
        return False
