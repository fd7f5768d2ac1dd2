"""PLACEHOLDER body handler (being written)."""

from __future__ import annotations

from ventanilla.mail.pipeline.context import Context


class ExtractBody:
    """PLACEHOLDER."""

    name = "body"
    description = "placeholder"

    def process(self, ctx: Context) -> None:
        """See `Handler`."""
        ctx.body.text = ctx.parsed.text
        ctx.body.new_text = ctx.parsed.text
