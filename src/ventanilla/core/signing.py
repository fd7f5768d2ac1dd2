"""Our own signed Message-IDs: the strongest threading signal we have.

A Message-ID we generate looks like ``<SOP-2026-00042.k3j4h5q2.9f8e7d6c5b4a3210@empresa.es>``:
the ticket number, a random nonce and an HMAC of both under the secret key. A reply quotes it
in In-Reply-To/References (RFC 5322 §3.6.4), and we trust the ticket number in it only when
the signature checks, so nobody can forge their way into another customer's ticket.

Mail to one person that lets him act (a notification to an agent, which he may answer by mail
to reply to the customer) carries a *recipient-bound* Message-ID instead:
``<SOP-2026-00042.k3j4h5q2.9f8e7d6c5b4a3210.r0a1b2c3d4e5f6a7b@empresa.es>``. It is the same
token plus ``.r`` and an HMAC of (ticket number, nonce, recipient address) under the secret
key. It threads like any of our ids (`ticket_number_from_message_id` accepts it), and
`ticket_number_for_recipient` tells whether it was sent to a given address: a customer who
holds the acknowledgement of his own ticket holds a ticket token, never one bound to an agent.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import re
import secrets

from django.conf import settings

_TOKEN_RE = re.compile(
    r"^([A-Z0-9]{1,10}-\d{4}-\d{5,})\.([a-z0-9]{8})\.([0-9a-f]{16})(?:\.r([0-9a-f]{16}))?@"
)


def _keys() -> list[str]:
    """The current secret key, then the retired ones still trusted for checking.

    Mail we sent before a key rotation is still answered afterwards: Django's own
    ``SECRET_KEY_FALLBACKS`` lets old tokens verify, while new ones use the current key.
    """
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def _hmac16(message: str, key: str | None = None) -> str:
    secret = (settings.SECRET_KEY if key is None else key).encode()
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()[:16]


def _signature(number: str, nonce: str, key: str | None = None) -> str:
    return _hmac16(f"ventanilla:{number}.{nonce}", key)


def _recipient_signature(number: str, nonce: str, recipient: str, key: str | None = None) -> str:
    # Its own prefix: a ticket signature can never be passed off as a recipient one.
    bound = f"ventanilla-recipient:{number}.{nonce}.{normalise_address(recipient)}"
    return _hmac16(bound, key)


def normalise_address(address: str) -> str:
    """Return ``address`` as the recipient tokens are bound to: bare, lower case, IDNA domain.

    Lower case on both sides of the "@": agents are found by address case-insensitively
    (``agents.selectors.agent_by_email``), so the binding must not depend on case either.
    """
    bare = address.strip().strip("<>").strip()
    local, at, domain = bare.rpartition("@")
    domain = domain.strip().rstrip(".").lower()
    # Not a valid IDN: kept as written, it simply matches only itself.
    with contextlib.suppress(UnicodeError):
        domain = domain.encode("idna").decode("ascii")
    return f"{local.lower()}{at}{domain}"


def _nonce() -> str:
    return "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(8))


def make_message_id(*, ticket_number: str, domain: str) -> str:
    """Return a new signed Message-ID (without angle brackets) for mail about ``ticket_number``."""
    nonce = _nonce()
    return f"{ticket_number}.{nonce}.{_signature(ticket_number, nonce)}@{domain}"


def make_recipient_message_id(*, ticket_number: str, recipient: str, domain: str) -> str:
    """Return a new Message-ID for mail about ``ticket_number`` sent only to ``recipient``.

    It threads to the ticket like `make_message_id`'s, and an answer quoting it proves (with
    `ticket_number_for_recipient`) that it answers mail that was sent to ``recipient``.
    """
    nonce = _nonce()
    ticket_sig = _signature(ticket_number, nonce)
    recipient_sig = _recipient_signature(ticket_number, nonce, recipient)
    return f"{ticket_number}.{nonce}.{ticket_sig}.r{recipient_sig}@{domain}"


def make_plain_message_id(*, domain: str) -> str:
    """Return a random Message-ID for mail that belongs to no ticket."""
    return f"vt.{secrets.token_hex(12)}@{domain}"


def ticket_number_from_message_id(message_id: str) -> str | None:
    """Return the ticket number in one of our signed Message-IDs, or None if absent or forged."""
    match = _TOKEN_RE.match(message_id.strip().strip("<>"))
    if not match:
        return None
    number, nonce, sig, _recipient_sig = match.groups()
    if not any(hmac.compare_digest(sig, _signature(number, nonce, key)) for key in _keys()):
        return None
    return number


def ticket_number_for_recipient(message_id: str, recipient: str) -> str | None:
    """Return the ticket number when ``message_id`` is our id of mail sent to ``recipient``.

    None for a plain ticket token (an acknowledgement, a reply to the customer), a token
    bound to somebody else, or anything forged.
    """
    match = _TOKEN_RE.match(message_id.strip().strip("<>"))
    if not match or match[4] is None or not recipient.strip():
        return None
    number, nonce, sig, recipient_sig = match.groups()
    for key in _keys():
        expected = _recipient_signature(number, nonce, recipient, key)
        if hmac.compare_digest(sig, _signature(number, nonce, key)) and hmac.compare_digest(
            recipient_sig, expected
        ):
            return str(number)
    return None
