"""PLACEHOLDER rule list-mail (being written)."""

from __future__ import annotations

from ventanilla.mail.pipeline.context import Context


class ListMail:
    """PLACEHOLDER."""

    name = "list-mail"
    description = "placeholder"

    def check(self, ctx: Context) -> bool:
        """See `Rule`."""
        return False
