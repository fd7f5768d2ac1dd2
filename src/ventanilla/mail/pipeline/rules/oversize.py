"""PLACEHOLDER rule oversize (being written)."""

from __future__ import annotations

from ventanilla.mail.pipeline.context import Context


class Oversize:
    """PLACEHOLDER."""

    name = "oversize"
    description = "placeholder"

    def check(self, ctx: Context) -> bool:
        """See `Rule`."""
        return False
