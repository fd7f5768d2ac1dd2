"""Our own signed Message-IDs: the strongest threading signal we have.

A Message-ID we generate looks like ``<SOP-2026-00042.k3j4h5q2.9f8e7d6c5b4a3210@empresa.es>``:
the ticket number, a random nonce and an HMAC of both under the secret key. A reply quotes it
in In-Reply-To/References (RFC 5322 §3.6.4), and we trust the ticket number in it only when
the signature checks, so nobody can forge their way into another customer's ticket.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.conf import settings

_TOKEN_RE = re.compile(r"^([A-Z0-9]{1,10}-\d{4}-\d{5,})\.([a-z0-9]{8})\.([0-9a-f]{16})@")


def _signature(number: str, nonce: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"ventanilla:{number}.{nonce}".encode(), hashlib.sha256).hexdigest()[:16]


def make_message_id(*, ticket_number: str, domain: str) -> str:
    """Return a new signed Message-ID (without angle brackets) for mail about ``ticket_number``."""
    nonce = "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(8))
    return f"{ticket_number}.{nonce}.{_signature(ticket_number, nonce)}@{domain}"


def make_plain_message_id(*, domain: str) -> str:
    """Return a random Message-ID for mail that belongs to no ticket."""
    return f"vt.{secrets.token_hex(12)}@{domain}"


def ticket_number_from_message_id(message_id: str) -> str | None:
    """Return the ticket number in one of our signed Message-IDs, or None if absent or forged."""
    match = _TOKEN_RE.match(message_id.strip().strip("<>"))
    if not match:
        return None
    number, nonce, sig = match.groups()
    if not hmac.compare_digest(sig, _signature(number, nonce)):
        return None
    return number
