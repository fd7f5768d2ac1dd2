"""The ``Ventanilla-Signature`` header: HMAC-SHA256 over ``"<timestamp>.<body>"``.

Signing the timestamp with the body lets a receiver refuse a replayed request (our README
suggests a five-minute window) without trusting an unsigned header. The ``v1=`` prefix names
the scheme, so a later one can be sent beside it during a change.
"""

from __future__ import annotations

import hashlib
import hmac

SCHEME = "v1"


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """Return the header value for ``body`` sent at ``timestamp`` (Unix seconds)."""
    message = str(timestamp).encode("ascii") + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"{SCHEME}={digest}"


def webhook_signature_valid(
    *, secret: str, timestamp: int, body: bytes, header: str, now: int, tolerance: int = 300
) -> bool:
    """True if ``header`` signs ``body`` at ``timestamp`` and that is within ``tolerance`` s."""
    if abs(now - timestamp) > tolerance:
        return False
    expected = webhook_signature(secret=secret, timestamp=timestamp, body=body)
    return any(hmac.compare_digest(expected, part.strip()) for part in header.split(","))
