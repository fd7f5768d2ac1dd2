"""Personal portal links: a signed, expiring token that opens one ticket for its customer.

The token is Django's ``TimestampSigner`` (HMAC-SHA256 under ``SECRET_KEY``, checked against
``SECRET_KEY_FALLBACKS`` too, so links survive a key rotation) over four numbers: the ticket,
its customer, and both their ``portal_link_generation`` counters at the time of signing. A
link is revoked by bumping a counter (one ticket's links, or all of a customer's), so no table
of issued links is needed; it expires ``max_age`` seconds after signing. The salt keeps these
tokens apart from every other value the project signs.

A ticket number is not part of the token: knowing or guessing one gives nothing.
"""

from __future__ import annotations

from django.core import signing

SALT = "ventanilla.portal.ticket-link"
_FIELDS = 4


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT, algorithm="sha256")


def ticket_link_token(
    *, ticket_id: int, customer_id: int, ticket_generation: int, customer_generation: int
) -> str:
    """Return a URL-safe signed token for ``ticket_id`` as seen by ``customer_id``."""
    # Base 36 keeps the token short; "-" never appears in base 36 or in the signer's output
    # alphabet (URL-safe base64 without padding uses "-", but only after the last ":").
    value = "-".join(
        _base36(n) for n in (ticket_id, customer_id, ticket_generation, customer_generation)
    )
    return _signer().sign(value)


def ticket_link_verify(token: str, *, max_age: int) -> tuple[int, int, int, int] | None:
    """Return ``(ticket_id, customer_id, ticket_gen, customer_gen)``, or None if not valid.

    None for a tampered, malformed or expired token alike: the caller must not tell them apart.
    """
    try:
        value = _signer().unsign(token, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    parts = value.split("-")
    if len(parts) != _FIELDS:
        return None
    try:
        ticket_id, customer_id, ticket_gen, customer_gen = (int(p, 36) for p in parts)
    except ValueError:
        return None
    return ticket_id, customer_id, ticket_gen, customer_gen


def _base36(number: int) -> str:
    if number < 0:
        msg = "link fields are non-negative"
        raise ValueError(msg)
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if number == 0:
            return out
