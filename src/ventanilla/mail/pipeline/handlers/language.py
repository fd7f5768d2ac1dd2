"""PLACEHOLDER language handler (being written)."""

from __future__ import annotations

from ventanilla.mail.pipeline.context import Context


class DetectLanguage:
    """PLACEHOLDER."""

    name = "language"
    description = "placeholder"

    def process(self, ctx: Context) -> None:
        """See `Handler`."""
        ctx.language = ""
