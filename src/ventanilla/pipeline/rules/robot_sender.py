"""Rule ``robot-sender``: mail from an address nobody reads (no-reply, daemons, bounces)."""

from __future__ import annotations

import re

from ventanilla.pipeline.context import Context

# Local parts that by convention nobody reads; suffixes such as "noreply-billing" or the
# VERP form "bounces+tag" count too.
_ROBOT_LOCAL_RE = re.compile(
    r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|dont[-_.]?reply|mailer[-_.]?daemon|postmaster|"
    r"bounces?|notifications?|daemon)([-_.+].*)?$",
    re.IGNORECASE,
)


def is_robot_address(address: str) -> bool:
    """True when the local part of ``address`` is a no-reply or system one."""
    local = address.strip().strip("<>").rsplit("@", 1)[0]
    return bool(local) and bool(_ROBOT_LOCAL_RE.match(local))


def _null_sender(ctx: Context) -> bool:
    """True for the null reverse-path ``<>`` (RFC 5321 §4.5.5: never reply to it).

    ``envelope_from`` is "" when the edge did not know the sender, and "<>" when the
    sender was null, so only the latter counts; so does a ``Return-Path: <>`` header.
    """
    if ctx.inbound.envelope_from.strip() == "<>":
        return True
    return any(v.strip() == "<>" for v in ctx.parsed.headers("Return-Path"))


class RobotSender:
    """Match robot senders: the mail may still open a ticket, but no acknowledgement goes out."""

    name = "robot-sender"
    description = "The sender is a no-reply/system address, or the envelope sender is null."

    def check(self, ctx: Context) -> bool:
        """See `Rule`."""
        sender = ctx.parsed.sender
        if sender is not None and is_robot_address(sender.email):
            ctx.reasons.append(f"robot sender: {sender.email}")
            return True
        if _null_sender(ctx):
            ctx.reasons.append("null envelope sender <>")
            return True
        return False
