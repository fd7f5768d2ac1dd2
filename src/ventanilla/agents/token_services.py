"""Make, revoke, list and check personal API tokens (the secret is shown once, kept hashed).

A token reads ``vt_<prefix>_<secret>``: the prefix (public, unique) finds the row, the
sha256 of the whole token is compared in constant time. Expired and revoked tokens, and the
tokens of a login that is no longer an active agent, authenticate nobody.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ventanilla.agents.selectors import agent_profile
from ventanilla.agents.tokens import ApiToken, ApiTokenScope

PREFIX_MARK = "vt_"
# The last-used time is written at most this often: one write per request would turn every
# read of the API into a write.
LAST_USED_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True)
class NewApiToken:
    """A token just made: the row, and the secret the agent sees this once."""

    token: ApiToken
    secret: str


def api_token_hash(secret: str) -> str:
    """Return the sha256 hex digest stored for ``secret``."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _prefix(secret: str) -> str:
    body = secret.removeprefix(PREFIX_MARK)
    prefix, _sep, _rest = body.partition("_")
    return prefix


@transaction.atomic
def api_token_create(
    *, user: User, name: str, scope: str = ApiTokenScope.READ, expires_at: datetime | None = None
) -> NewApiToken:
    """Make a token for ``user``; the returned secret is not stored and cannot be shown again."""
    if scope not in ApiTokenScope.values:
        msg = f"unknown scope {scope!r}"
        raise ValueError(msg)
    prefix = secrets.token_hex(6)
    secret = f"{PREFIX_MARK}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100],
        prefix=prefix,
        sha256=api_token_hash(secret),
        scope=scope,
        expires_at=expires_at,
    )
    return NewApiToken(token=token, secret=secret)


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> bool:
    """Revoke one of ``user``'s own tokens; False when he has no such live token."""
    updated = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return updated > 0


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """Return ``user``'s tokens, newest first (revoked ones too: the list is his record)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def api_token_usable(token: ApiToken, *, now: datetime) -> bool:
    """True when ``token`` is neither revoked nor expired and its owner is an active agent."""
    if token.revoked_at is not None:
        return False
    if token.expires_at is not None and token.expires_at <= now:
        return False
    user = token.user
    return user.is_active and agent_profile(user) is not None


def api_token_authenticate(*, secret: str, now: datetime | None = None) -> ApiToken | None:
    """Return the live token whose secret is ``secret`` (its last use noted), else None."""
    now = now or timezone.now()
    prefix = _prefix(secret)
    if not secret.startswith(PREFIX_MARK) or not prefix:
        return None
    token = ApiToken.objects.select_related("user", "user__agent").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.sha256, api_token_hash(secret)):
        return None
    if not api_token_usable(token, now=now):
        return None
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
