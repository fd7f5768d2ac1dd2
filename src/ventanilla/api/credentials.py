"""Who is calling, read from the request before django-ninja authenticates it.

The rate limiter and the idempotency records need a name for the caller: the sha256 of the
bearer token presented (the same token, the same name; a guessed one names nobody real), or
the signed-in user of the session. Authentication itself is ``api/auth.py``'s.
"""

from __future__ import annotations

import hashlib

from django.http import HttpRequest


def bearer_secret(request: HttpRequest) -> str:
    """Return the token of an ``Authorization: Bearer`` header (RFC 6750 §2.1), or ''."""
    scheme, _sep, token = request.headers.get("Authorization", "").strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def credential_name(request: HttpRequest) -> str:
    """Return a stable name for the caller's credential ('' for an anonymous request)."""
    secret = bearer_secret(request)
    if secret:
        return "tok:" + hashlib.sha256(secret.encode("utf-8")).hexdigest()[:40]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return ""
