"""Rule ``blocked-sender``: mail from an address or domain an administrator blocked."""

from __future__ import annotations

from ventanilla.mail.selectors import blocked_patterns
from ventanilla.pipeline.context import Context


def pattern_matches(pattern: str, address: str) -> bool:
    """True when ``address`` is ``pattern``, or lies in the ``@domain`` (or a subdomain) of it.

    Case-insensitive (domains are; local parts practically are). A pattern without ``@``
    is taken as a domain too.
    """
    pattern = pattern.strip().lower()
    address = address.strip().strip("<>").lower()
    if not pattern or "@" not in address:
        return False
    if pattern.startswith("@") or "@" not in pattern:
        domain = pattern.lstrip("@").strip(".")
        host = address.rsplit("@", 1)[1]
        return bool(domain) and (host == domain or host.endswith(f".{domain}"))
    return address == pattern


def _senders(ctx: Context) -> list[str]:
    senders = []
    if ctx.parsed.sender is not None:
        senders.append(ctx.parsed.sender.email)
    envelope = ctx.inbound.envelope_from.strip().strip("<>").lower()
    if envelope and envelope not in senders:
        senders.append(envelope)
    return senders


class BlockedSenderRule:
    """Match mail whose From or envelope sender is blocked (``BlockedSender``)."""

    name = "blocked-sender"
    description = "The sender (From or envelope) is on the blocked list."

    def check(self, ctx: Context) -> bool:
        """See `Rule`."""
        senders = _senders(ctx)
        if not senders:
            return False
        patterns = blocked_patterns()
        for address in senders:
            for pattern in patterns:
                if pattern_matches(pattern, address):
                    ctx.reasons.append(f"blocked sender: {address} matches {pattern}")
                    return True
        return False
