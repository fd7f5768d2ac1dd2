"""Rule ``robot-sender``: mail from an address nobody reads (no-reply, daemons, bounces).

Who counts as a robot is ``outbound.policy``'s decision (the same one the resolution
notice asks); this rule only reads the sender, the envelope and ``Return-Path`` from the mail.
"""

from __future__ import annotations

from ventanilla.outbound.policy import robot_sender
from ventanilla.pipeline.context import Context


class RobotSender:
    """Match robot senders: the mail may still open a ticket, but no acknowledgement goes out."""

    name = "robot-sender"
    description = "The sender is a no-reply/system address, or the envelope sender is null."

    def check(self, ctx: Context) -> bool:
        """See `Rule`."""
        sender = ctx.parsed.sender
        reason = robot_sender(
            sender=sender.email if sender is not None else "",
            envelope_from=ctx.inbound.envelope_from,
            return_paths=ctx.parsed.headers("Return-Path"),
        )
        if reason:
            ctx.reasons.append(reason)
        return bool(reason)
