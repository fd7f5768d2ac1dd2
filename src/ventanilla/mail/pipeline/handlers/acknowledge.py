"""PLACEHOLDER acknowledge handler (being written)."""

from __future__ import annotations

from ventanilla.mail.pipeline.context import Context


class Acknowledge:
    """PLACEHOLDER."""

    name = "acknowledge"
    description = "placeholder"

    def process(self, ctx: Context) -> None:
        """See `Handler`."""
        return
