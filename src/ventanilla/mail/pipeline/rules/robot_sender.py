"""PLACEHOLDER rule robot-sender (being written)."""

from __future__ import annotations

from ventanilla.mail.pipeline.context import Context


class RobotSender:
    """PLACEHOLDER."""

    name = "robot-sender"
    description = "placeholder"

    def check(self, ctx: Context) -> bool:
        """See `Rule`."""
        return False
