"""Random tokens of the portal and what the database keeps of them: a SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets


def token_new() -> str:
    """32 random bytes, URL-safe: a sign-in link's or a session's token."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """The SHA-256 (hex) of a token: what the database keeps instead of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
